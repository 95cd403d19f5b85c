"""Take full-page screenshots of portal pages in headless Chromium, for a person to look at.

    .venv/bin/python tools/screenshots.py --base http://127.0.0.1:8000 --user hq --lang en /ventures/ /ventures/1/

Writes PNGs into ``screenshots/`` (git-ignored).
"""

import argparse
import re
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--user", default="hq")
    parser.add_argument("--password", default="jvportal-demo")
    parser.add_argument("--lang", default="zh-hans")
    parser.add_argument("--out", default="screenshots")
    parser.add_argument("--width", type=int, default=1366)
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS)
        context = browser.new_context(
            viewport={"width": args.width, "height": 900},
            locale="zh-CN" if args.lang.startswith("zh") else "en-US",
        )
        context.add_cookies([{"name": "django_language", "value": args.lang, "url": args.base}])
        page = context.new_page()
        page.goto(args.base + "/accounts/login/")
        page.fill("input[name=username]", args.user)
        page.fill("input[name=password]", args.password)
        page.click("main form button[type=submit]")
        for path in args.paths:
            page.goto(args.base + path)
            page.wait_for_load_state("networkidle")
            name = re.sub(r"[^A-Za-z0-9]+", "_", path).strip("_") or "home"
            target = out / f"{args.user}_{args.lang}_{name}.png"
            page.screenshot(path=str(target), full_page=True)
            print(target)
        browser.close()


if __name__ == "__main__":
    main()
