"""Terminal escape sequences in a lesson file never reach the learner's terminal through the app."""

from __future__ import annotations

from nntui.app.screens.lesson import LessonScreen

ESCAPES = "\x1b]0;pwned\x07\x1b[2J\x1b[31m"


async def test_escapes_in_titles_and_text_are_removed_before_the_app_draws_them(build, tmp_path):
    lessons = tmp_path / "lessons"
    lessons.mkdir()
    (lessons / "01-esc.md").write_text(
        f"---\ntitle: Hi {ESCAPES}there\n---\n\n## Step {ESCAPES}one\n\nSome {ESCAPES}text.\n"
    )
    app = build(lessons_dir=lessons)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LessonScreen)
        assert app.title == "1. Hi there"
        drawn = app.export_screenshot()  # every character on the screen
        assert "pwned" not in drawn and "\x1b" not in drawn and "Some" in drawn
