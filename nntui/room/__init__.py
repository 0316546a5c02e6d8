"""The workshop room: what attendees' sessions, the instructor's view and the server's hub say.

A server (`nntui serve ssh|web`) runs a *hub* process that keeps the room (who is where, their
checkpoint answers, help requests, training runs) and its record (SQLite). Sessions talk to it
over a Unix socket in the server's state folder with the messages of :mod:`nntui.room.protocol`.

Pure Python (stdlib only): never imports Textual or NumPy, so every layer may use it.
"""
