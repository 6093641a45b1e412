#!/usr/bin/env python3
"""Copy the front-end files EduBureau serves from node_modules/ into edubureau/static/vendor/.

Bureaus run on offline intranets, so nothing is loaded from a CDN: `npm ci` fetches the
pinned packages at set-up and this script copies just the built files the pages use.

    npm ci --no-audit --no-fund && python3 scripts/copy_assets.py

Plain Python 3 standard library only. Idempotent: a file is rewritten only when its content
changes, and files in vendor/ that are no longer in the list below are removed (vendor/ is
generated and gitignored). `--check` changes nothing and exits 1 when vendor/ is out of date.

tabler.min.css references no fonts or images by relative URL (its icons are inline data: URIs
and it uses the system font stack), so no font or image files need copying. The
`sourceMappingURL` comments of the Tabler files are dropped, because the .map files (2 MB+)
are not shipped: a dangling reference would 404 in browser dev tools and would make Django's
ManifestStaticFilesStorage fail in collectstatic.
"""

import argparse
import json
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
NODE_MODULES = ROOT / "node_modules"
VENDOR = ROOT / "edubureau" / "static" / "vendor"

# (package, file inside the package, path inside vendor/, required)
FILES = [
    ("htmx.org", "dist/htmx.min.js", "htmx.min.js", True),
    ("echarts", "dist/echarts.min.js", "echarts.min.js", True),
    ("@tabler/core", "dist/css/tabler.min.css", "tabler.min.css", True),
    ("@tabler/core", "dist/js/tabler.min.js", "tabler.min.js", True),
    # Licence texts travel with the copied code (Apache-2.0 asks for NOTICE too).
    ("htmx.org", "LICENSE", "licenses/htmx.org-LICENSE.txt", False),
    ("echarts", "LICENSE", "licenses/echarts-LICENSE.txt", False),
    ("echarts", "NOTICE", "licenses/echarts-NOTICE.txt", False),
    ("@tabler/core", "LICENSE", "licenses/tabler-core-LICENSE.txt", False),
]

SOURCE_MAP_COMMENT = re.compile(
    rb"\n?[ \t]*(?:/\*# sourceMappingURL=[^*\n]*\*/|//# sourceMappingURL=\S*)[ \t]*\s*$"
)


def fail(message):
    print(f"copy_assets: error: {message}", file=sys.stderr)
    sys.exit(1)


def pinned_versions():
    """The exact versions package.json pins, by package name."""
    try:
        return json.loads((ROOT / "package.json").read_text(encoding="utf-8")).get("dependencies", {})
    except FileNotFoundError:
        fail(f"{ROOT / 'package.json'} not found")


def check_installed():
    if not NODE_MODULES.is_dir():
        fail(
            f"{NODE_MODULES} does not exist.\n"
            "Install the front-end packages first, in the repository root:\n"
            "    npm ci --no-audit --no-fund\n"
            "then run this script again."
        )
    pins = pinned_versions()
    for package in sorted({entry[0] for entry in FILES}):
        manifest = NODE_MODULES / package / "package.json"
        if not manifest.is_file():
            fail(f"package {package} is not in node_modules/; run `npm ci --no-audit --no-fund` first.")
        installed = json.loads(manifest.read_text(encoding="utf-8")).get("version")
        wanted = pins.get(package)
        if wanted is not None and installed != wanted:
            fail(
                f"node_modules/{package} is version {installed} but package.json pins {wanted}; "
                "run `npm ci --no-audit --no-fund` again."
            )


def content_for(source, target):
    data = source.read_bytes()
    if target.suffix in (".css", ".js"):
        data = SOURCE_MAP_COMMENT.sub(b"\n", data)
    return data


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--check", action="store_true", help="change nothing; exit 1 if vendor/ is out of date"
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="print only errors")
    args = parser.parse_args(argv)

    check_installed()
    wanted = {}
    for package, inner, dest, required in FILES:
        source = NODE_MODULES / package / inner
        if not source.is_file():
            if required:
                fail(f"{source} is missing: the package's layout has changed; update FILES in {__file__}.")
            continue
        wanted[VENDOR / dest] = content_for(source, VENDOR / dest)

    changed = []
    for target, data in wanted.items():
        if target.is_file() and target.read_bytes() == data:
            continue
        changed.append(("write", target))
        if not args.check:
            target.parent.mkdir(parents=True, exist_ok=True)
            tmp = target.with_name(target.name + ".tmp")
            tmp.write_bytes(data)
            tmp.replace(target)

    if VENDOR.is_dir():
        for path in sorted(VENDOR.rglob("*"), reverse=True):
            if path.is_file() and path not in wanted:
                changed.append(("remove", path))
                if not args.check:
                    path.unlink()
            elif path.is_dir() and not args.check and not any(path.iterdir()):
                path.rmdir()

    for action, path in changed:
        if not args.quiet or args.check:
            print(f"{'would ' if args.check else ''}{action} {path.relative_to(ROOT)}")
    if args.check and changed:
        print(
            "copy_assets: edubureau/static/vendor/ is out of date; run python3 scripts/copy_assets.py",
            file=sys.stderr,
        )
        return 1
    if not args.quiet:
        print(f"copy_assets: {len(wanted)} files in {VENDOR.relative_to(ROOT)}/ ({len(changed)} changed)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
