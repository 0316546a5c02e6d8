"""The workshop room inside the app: the link to the server's hub, and the room's screens.

Only a session of `nntui serve` has a room (``AppConfig.room_socket``); local `nntui` has none
and shows nothing of it.
"""
