// Anchors the CaptureSource vtable and moc output in this library.
#include "capture/CaptureSource.h"
