#!/usr/bin/python3
"""A small real GTK 3 form for the GUI action tests: an email field, a password field,
a check box and a Submit button. Prints one JSON line when shown (the screen centre of
each widget) and one on submit (what the form holds)."""
import json
import sys

import gi

gi.require_version("Gtk", "3.0")
from gi.repository import GLib, Gtk  # noqa: E402


def say(**values):
    print(json.dumps(values), flush=True)


def centre(widget):
    origin = widget.get_window().get_origin()
    allocation = widget.get_allocation()
    return [origin.x + allocation.x + allocation.width // 2, origin.y + allocation.y + allocation.height // 2]


window = Gtk.Window(title="Trailmark GTK Form")
window.set_default_size(420, 260)
grid = Gtk.Grid(row_spacing=8, column_spacing=8, margin=12)
window.add(grid)
email = Gtk.Entry()
email.get_accessible().set_name("Email")
password = Gtk.Entry(visibility=False)
password.get_accessible().set_name("Password")
subscribe = Gtk.CheckButton(label="Subscribe")
submit = Gtk.Button(label="Submit")
grid.attach(Gtk.Label(label="Email"), 0, 0, 1, 1)
grid.attach(email, 1, 0, 1, 1)
grid.attach(Gtk.Label(label="Password"), 0, 1, 1, 1)
grid.attach(password, 1, 1, 1, 1)
grid.attach(subscribe, 1, 2, 1, 1)
grid.attach(submit, 1, 3, 1, 1)


def on_submit(_button):
    say(event="submitted", email=email.get_text(), password_length=len(password.get_text()),
        subscribe=subscribe.get_active())


submit.connect("clicked", on_submit)
window.connect("destroy", Gtk.main_quit)
window.show_all()


def ready():
    say(event="ready", email=centre(email), password=centre(password), subscribe=centre(subscribe),
        submit=centre(submit))
    return False


GLib.timeout_add(700, ready)
Gtk.main()
sys.exit(0)
