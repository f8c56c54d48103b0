"""Makes the policy pack's own virtualenv (policy/.venv) from policy/requirements.txt, once per change of it.

The pack runs on the policy SDK (`pulumi-policy`), which pins protobuf 5 while the program's virtualenv has
protobuf 6: the two cannot share one environment, so the pack has its own, named in PulumiPolicy.yaml.
`make policy-venv` runs this, and so does `scripts/with_policy.py` before a preview or up that runs the
pack; a second run finds the requirements it installed unchanged and returns at once.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
PACK = PROJECT / "policy"
#: Beside the interpreter: the requirements text last installed, so a change of it installs again.
STAMP = ".installed"


def say(message: str) -> None:
    print(f"[policy-venv] {message}", file=sys.stderr, flush=True)


def ensure(pack: Path = PACK, env_dir: Path | None = None) -> Path:
    """The pack's interpreter, after making its virtualenv (``pack``/.venv unless ``env_dir``) and installing
    ``pack``/requirements.txt into it when that changed since the last install."""
    env_dir = env_dir or pack / ".venv"
    python = env_dir / "bin" / "python"
    wanted = (pack / "requirements.txt").read_text()
    stamp = env_dir / STAMP
    if python.exists() and stamp.exists() and stamp.read_text() == wanted:
        return python
    uv = subprocess.run(["bash", str(PROJECT / "scripts" / "bootstrap-uv.sh")], check=True, stdout=subprocess.PIPE)
    uv_bin = uv.stdout.decode().strip()
    if not python.exists():
        say(f"creating {env_dir}")
        subprocess.run([uv_bin, "venv", "--quiet", "--seed", "--python", sys.executable, str(env_dir)], check=True)
    say(f"installing {pack / 'requirements.txt'} (the policy SDK and the pulumi SDK it runs on)")
    install = [uv_bin, "pip", "install", "--quiet", "--compile-bytecode", "--python", str(python)]
    subprocess.run([*install, "-r", str(pack / "requirements.txt")], check=True)
    stamp.write_text(wanted)
    return python


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pack", type=Path, default=PACK, help="the policy pack's folder (default: policy/)")
    args = parser.parse_args(argv)
    try:
        ensure(args.pack)
    except subprocess.CalledProcessError as exc:
        say(f"uv failed ({exc.returncode}); its errors are above. It needs PyPI, or a mirror set in uv's config")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
