"""Serving nntui to a room: an SSH server, a web server and the instructor's views.

Every attendee gets their own `nntui` process on its own pseudo-terminal (Textual's
driver belongs to its process), with progress kept per name under
``<state-dir>/users/<name>``. Nothing in this package is imported by the lesson app.
"""
