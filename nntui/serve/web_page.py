"""The pages of `nntui serve web`: the login form and the terminal page.

Both are self-contained: every style, font and script comes from this server (the fonts
and the terminal's JavaScript ship in the textual-serve package), so the page works on a
room network with no internet, and the Content-Security-Policy says so to the browser.
"""

from __future__ import annotations

import html

from .names import NAME_RULE

__all__ = ["CSP", "login_page", "terminal_page"]

#: Nothing from anywhere but this server; the pages' own inline styles and scripts only.
CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "font-src 'self'; img-src 'self' data:; connect-src 'self'; frame-ancestors 'none'; "
    "form-action 'self'; base-uri 'none'"
)

_LOGIN = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>
body {{ font-family: sans-serif; background: #1e1e2e; color: #e0e0e0; display: grid;
       place-items: center; min-height: 100vh; margin: 0; }}
form {{ background: #2a2a3e; padding: 2em 3em; border-radius: 8px; }}
input {{ font-size: 1.2em; padding: .3em; }}
label {{ display: block; margin: .6em 0; }}
.error {{ color: #ff8080; }}
</style></head>
<body><form method="post" action="/login">
<h1>{title}</h1>
<p>Your name keeps your progress: {rule}.</p>
{error}
<label>Name <input name="name" value="{name}" autofocus required maxlength="32"
 pattern="[a-z0-9_\\-]{{1,32}}" autocomplete="username"></label>
{password}
<p><button type="submit">Start</button></p>
</form></body></html>
"""

_PASSWORD_FIELD = (
    '<label>Workshop password <input name="password" type="password" required'
    ' autocomplete="current-password"></label>'
)

_TERMINAL = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>{title}</title>
<link rel="preload" href="/static/fonts/RobotoMono-VariableFont_wght.ttf" as="font" type="font/ttf"
 crossorigin>
<link rel="stylesheet" href="/static/css/xterm.css">
<style>
@font-face {{ font-family: "Roboto Mono"; font-style: normal; font-weight: 100 700;
  src: url("/static/fonts/RobotoMono-VariableFont_wght.ttf") format("truetype"); }}
@font-face {{ font-family: "Roboto Mono"; font-style: italic; font-weight: 100 700;
  src: url("/static/fonts/RobotoMono-Italic-VariableFont_wght.ttf") format("truetype"); }}
body {{ background: #0c181f; margin: 0; }}
.dialog-container {{ position: absolute; width: 100vw; height: 100vh; display: flex;
  align-items: center; justify-content: center; z-index: 10; }}
.shade {{ position: absolute; width: 100%; height: 100%; background: #0c181f; }}
.intro {{ width: 640px; min-height: 200px; font-size: 16px; z-index: 20; padding: 16px;
  font-family: "Roboto Mono", menlo, monospace; text-align: center; color: rgba(255, 255, 255, 0.95);
  background-color: #12232d; display: flex; flex-direction: column; align-items: center;
  justify-content: center; margin: 32px; }}
.intro a {{ color: #ac5af4; }}
body.-first-byte .intro-dialog {{ display: none; }}
body .textual-terminal {{ opacity: 0; }}
body.-first-byte .textual-terminal {{ opacity: 1; }}
button {{ padding: 16px 32px; background-color: #5e0ba7; color: rgba(255, 255, 255, 0.95);
  border: none; font-family: "Roboto Mono", menlo, monospace; margin: 16px; cursor: pointer; }}
button:hover {{ background: #ac5af4; }}
.closed-dialog {{ display: none; }}
body.-closed .closed-dialog {{ display: flex; }}
</style>
<script>
// textual.js keeps its websocket to itself: watch it here, to show why a session ended
// and to put the keyboard in the terminal as soon as keys can reach the app.
(() => {{
  const NativeWebSocket = window.WebSocket;
  function focusTerminal() {{
    const element = document.querySelector("#terminal");
    if (element && element.xterm) {{
      element.xterm.blur();  // a fresh focus event tells the app it has the keyboard
      element.xterm.focus();
    }} else {{
      const box = document.querySelector("#terminal .xterm-helper-textarea");
      if (box) {{ box.blur(); box.focus(); }}
    }}
  }}
  window.WebSocket = class extends NativeWebSocket {{
    constructor(...args) {{
      super(...args);
      this.addEventListener("open", () => setTimeout(focusTerminal, 0));
      this.addEventListener("close", (event) => {{
        const message = document.querySelector(".closed-dialog .message");
        if (message && event.reason) message.textContent = event.reason;
      }});
    }}
  }};
  // The websocket is on the address the page came from (ws: or wss:, also behind a proxy).
  document.addEventListener("DOMContentLoaded", () => {{
    const scheme = location.protocol === "https:" ? "wss://" : "ws://";
    document.querySelector("#terminal").dataset.sessionWebsocketUrl = scheme + location.host + "/ws";
  }});
  // A click anywhere outside the terminal gives the keyboard back to it.
  document.addEventListener("mousedown", (event) => {{
    if (!event.target.closest("#terminal, button, a")) {{
      event.preventDefault();
      focusTerminal();
    }}
  }});
}})();
</script>
<script src="/static/js/textual.js"></script>
</head>
<body>
<div class="dialog-container intro-dialog"><div class="shade"></div>
<div class="intro"><div>{heading}</div><div>Starting your session...</div></div></div>
<div class="dialog-container closed-dialog"><div class="shade"></div>
<div class="intro"><div class="message">Session ended.</div>
<button type="button" onclick="location.replace('/')">Start again</button>
<a href="/logout">Use another name</a></div></div>
<div id="terminal" class="textual-terminal" data-font-size="{font_size}"></div>
</body></html>
"""


def login_page(title: str, with_password: bool, name: str = "", error: str | None = None) -> str:
    """The form that asks a name (and the room's password unless the server is open)."""
    return _LOGIN.format(
        title=html.escape(title),
        rule=html.escape(NAME_RULE),
        name=html.escape(name),
        error=f'<p class="error">{html.escape(error)}</p>' if error else "",
        password=_PASSWORD_FIELD if with_password else "",
    )


def terminal_page(title: str, name: str, font_size: int = 16) -> str:
    """The page that runs textual-serve's terminal for ``name``, on this server's ``/ws``."""
    return _TERMINAL.format(
        title=html.escape(f"{title} - {name}"),
        heading=html.escape(f"{title}: {name}"),
        font_size=int(font_size),
    )
