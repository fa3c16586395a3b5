"""Screens for people: `--screenshots DIR` keeps the screen each passing web scenario ends on, by
scenario ID, and the printed 汇（补）缴书 as an image; Chinese text must render in a CJK font
(no tofu boxes). Skipped when Chromium or Playwright is not installed."""
from __future__ import annotations

import os
import shutil
import struct
import subprocess
import sys
from pathlib import Path

import pytest

from gjj import spec_run

ROOT = Path(__file__).resolve().parents[1]
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = [pytest.mark.slow, pytest.mark.skipif(CHROMIUM is None, reason="no Chromium on this machine")]
ENV = spec_run.environment()

# the screens the web issue names: login, first-login prompt, agreement, a seal refused outside
# business hours, the roster, and a printed slip
SCREENS = {
    "id-CERT-01.png": "网上服务厅的登录页面（继续浏览后）",
    "id-FIRST-01.png": "首次登录的开通提示",
    "id-FIRST-02.png": "服务协议的签署",
    "id-HRS-04-row1.png": "办理时间外提交的封存及其不受理提示",
    "id-NEXTDAY-02.png": "职工清册",
    "id-CLIENT-01.png": "查询打印（已生成汇（补）缴书）",
    "id-CLIENT-01-slip.png": "打印出的汇（补）缴书",
}


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path.name} is not a PNG"
    return struct.unpack(">II", head[16:24])


@pytest.fixture(scope="module")
def screens(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("screens")
    ids = " or ".join(n.split(".")[0].removeprefix("id-").removesuffix("-slip").removesuffix("-row1")
                      for n in SCREENS)
    r = subprocess.run([*spec_run.command("-q"), "--driver", "web",
                        "-k", ids, "--screenshots", str(out), "--evidence-dir", str(out / "evidence")],
                       cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=600)
    assert r.returncode == 0, r.stdout[-4000:] + r.stderr[-2000:]
    return out


@pytest.mark.parametrize("name", list(SCREENS))
def test_the_screen_is_kept_by_scenario_id(screens, name):
    path = screens / name
    assert path.is_file(), f"no {name} ({SCREENS[name]}); written: {sorted(p.name for p in screens.glob('*.png'))}"
    width, height = _png_size(path)
    assert width >= 600 and height >= 400, (name, width, height)
    assert path.stat().st_size > 20_000, f"{name} looks empty"


def test_chinese_text_renders_in_a_cjk_font():
    """Tofu comes from a missing CJK font: every ideograph is then drawn as the same empty box.
    Draw two different ideographs in the portal's own font stack and compare the pixels."""
    from gjj.steps.browser_fixtures import shared_playwright   # one Playwright per process
    from gjj.steps.drivers.browser import launch_browser
    css = (ROOT / "simulator" / "web" / "static" / "portal.css").read_text(encoding="utf-8")
    stack = next(line.split(":", 1)[1].strip().rstrip(";") for line in css.splitlines()
                 if line.strip().startswith("font-family"))
    with shared_playwright() as pw:
        browser = launch_browser(pw, executable=CHROMIUM)
        try:
            page = browser.new_page()
            page.set_content('<html lang="zh-CN"><body></body></html>')
            glyphs = page.evaluate("""(font) => ['职', '清', '册'].map(ch => {
                const c = document.createElement('canvas'); c.width = c.height = 48;
                const g = c.getContext('2d'); g.font = '40px ' + font; g.fillStyle = '#000';
                g.fillText(ch, 4, 40);
                const px = g.getImageData(0, 0, 48, 48).data;
                let ink = 0, sig = [];
                for (let i = 3; i < px.length; i += 4) { if (px[i] > 128) ink++; sig.push(px[i] > 128 ? 1 : 0); }
                return {ink, sig: sig.join('')}; })""", stack)
        finally:
            browser.close()
    assert all(g["ink"] > 40 for g in glyphs), "an ideograph drew (almost) nothing"
    assert len({g["sig"] for g in glyphs}) == 3, f"different ideographs look the same (tofu) in {stack}"
