# One INTERFACE target that every Trailmark target links: the language standard,
# warnings and Qt's safety switches live here and nowhere else.
add_library(project_options INTERFACE)
target_compile_features(project_options INTERFACE cxx_std_20)
target_compile_options(project_options INTERFACE
    -Wall -Wextra -pedantic-errors -Wold-style-cast -Wnon-virtual-dtor
    -Woverloaded-virtual $<$<CXX_COMPILER_ID:GNU>:-Wshadow=local> -Wcast-qual -Wformat=2
    $<$<CXX_COMPILER_ID:Clang>:-Wshadow-uncaptured-local>
    $<$<BOOL:${TRAILMARK_WERROR}>:-Werror>)
target_compile_definitions(project_options INTERFACE
    QT_NO_CAST_FROM_ASCII
    QT_NO_CAST_TO_ASCII
    QT_NO_CAST_FROM_BYTEARRAY
    QT_NO_URL_CAST_FROM_STRING
    QT_NO_NARROWING_CONVERSIONS_IN_CONNECT
    QT_NO_CONTEXTLESS_CONNECT
    QT_NO_FOREACH
    QT_USE_QSTRINGBUILDER
    QT_DISABLE_DEPRECATED_UP_TO=0x060400
    $<$<CONFIG:Debug>:_GLIBCXX_ASSERTIONS>)
