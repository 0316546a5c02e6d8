"""`nntui serve web` in a real browser: headless Chromium driven over the DevTools protocol.

The real lesson app runs behind the server, and the page is used as a learner uses it:
log in on the form, see lesson 1, type without clicking first, open the same name twice.
The browser is cut off from every host but the server, so the page must work offline.
"""

from __future__ import annotations

import pytest

from .browser import Browser, find_chromium
from .harness import session_pids, wait_for

pytestmark = [pytest.mark.ssh, pytest.mark.slow]

CHROMIUM = find_chromium()
if CHROMIUM is None:
    reason = "no headless Chromium: install Debian's chromium-headless-shell (.ci/run does)"
    pytestmark.append(pytest.mark.skip(reason=reason))

PASSWORD = "let me in"

# The terminal's visible lines, as the page's xterm.js holds them (its canvas has no text).
SCREEN = """(() => {
  const terminal = document.querySelector('#terminal').xterm;
  if (!terminal) return '';
  const lines = [];
  for (let row = 0; row < terminal.rows; row++) {
    const line = terminal.buffer.active.getLine(row);
    lines.push(line ? line.translateToString(true) : '');
  }
  return lines.join('\\n');
})()"""


# Records what the page sends on its websockets (run before the page's own scripts).
RECORD_SENT = """
window.sentMessages = [];
const nativeSend = WebSocket.prototype.send;
WebSocket.prototype.send = function (data) {
  window.sentMessages.push(String(data));
  return nativeSend.call(this, data);
};
"""


@pytest.fixture
async def browser(tmp_path):
    """A headless Chromium that can reach loopback only; stopped at the end."""
    chromium = Browser(CHROMIUM, tmp_path / "profile")
    await chromium.start()
    yield chromium
    await chromium.stop()


@pytest.fixture
def web_server(start_server, tmp_path):
    """`nntui serve web` with a password, running the real lesson app."""
    password_file = tmp_path / "password"
    password_file.write_text(PASSWORD + "\n")
    return start_server("--password-file", str(password_file), kind="web", app_command="")


async def _log_in(page, name: str) -> None:
    """Fill in the login form and send it, as a learner would."""
    # The form is ready to type in: the name field has the focus once the page has loaded.
    focused = "document.activeElement && document.activeElement.name === 'name'"
    await page.wait_for(focused, what="the name field to have the focus")
    await page.send("Input.insertText", text=name)
    await page.evaluate(f"document.querySelector('input[name=password]').value = {PASSWORD!r}")
    await page.evaluate("document.querySelector('form').requestSubmit(), true")
    await page.wait_for(f"document.title.endsWith(' - {name}') && document.readyState === 'complete'")


async def test_log_in_see_lesson_one_and_type_without_a_click(browser, web_server):
    base = f"http://127.0.0.1:{web_server.port}/"
    page = await browser.open(base, init_script=RECORD_SENT)
    assert await page.evaluate("document.title") == "nntui workshop"
    await _log_in(page, "alice")
    await page.wait_for(f"/1\\. Neurons.*step 1\\//.test({SCREEN})", 60, "lesson 1")
    # Nobody clicked: the keyboard is already in the terminal, and the keys reach the app.
    assert await page.evaluate("document.activeElement.className") == "xterm-helper-textarea"
    # Mouse off in web mode: moving it over the terminal sends nothing to the server.
    for x, y in ((100, 100), (300, 200), (500, 400), (700, 600)):
        await page.move_mouse(x, y)
    await page.press("ArrowRight")
    await page.wait_for(f"/step 2\\//.test({SCREEN})", 30, "step 2 after the Right key")
    sent = await page.evaluate("window.sentMessages")
    assert any('"stdin"' in message for message in sent), sent  # the key went this way
    assert not [message for message in sent if "\\u001b[<" in message or "\\u001b[M" in message], sent
    mouse = await page.evaluate("document.querySelector('.xterm').classList.contains('enable-mouse-events')")
    assert not mouse
    # Offline: every resource came from this server, and the font is the one it ships.
    resources = await page.evaluate("performance.getEntriesByType('resource').map(entry => entry.name)")
    linked = await page.evaluate("[...document.querySelectorAll('[href], [src]')].map(e => e.href || e.src)")
    assert resources and linked
    assert all(url.startswith(base) for url in resources + linked), resources + linked
    assert await page.evaluate("document.fonts.check('16px \"Roboto Mono\"')")


async def test_a_second_tab_with_the_same_name_takes_over(browser, web_server):
    base = f"http://127.0.0.1:{web_server.port}/"
    first = await browser.open(base)
    await _log_in(first, "bob")
    await first.wait_for(f"/1\\. Neurons/.test({SCREEN})", 60, "lesson 1 in the first tab")
    (first_app,) = session_pids(web_server.pid)
    second = await browser.open(base)  # same browser, same login: straight to the terminal
    await second.wait_for(f"/1\\. Neurons/.test({SCREEN})", 60, "lesson 1 in the second tab")
    closed_message = "document.querySelector('.closed-dialog .message').textContent"
    message = await first.wait_for(
        f"document.body.classList.contains('-closed') && {closed_message}", 10, "the first tab to be closed"
    )
    assert "another tab" in message
    assert first_app not in session_pids(web_server.pid)
    wait_for(lambda: len(session_pids(web_server.pid)) == 1, 10, "one app for bob")
    # The second tab is the one that works.
    await second.press("ArrowRight")
    await second.wait_for(f"/step 2\\//.test({SCREEN})", 30, "step 2 in the second tab")
