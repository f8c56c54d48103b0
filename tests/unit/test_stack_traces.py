"""The stack trace each resource records keeps the program's frames and drops the runtime's."""

from __future__ import annotations

import sys
from pathlib import Path

from pulumi.runtime import resource as sdk_resource
from pulumi.runtime.proto import source_pb2

from lifecycle.stack_traces import CAPTURE, program_frame_test, record_program_frames_only


def frame(path: Path | str, line: int = 1) -> source_pb2.StackFrame:
    uri = Path(path).as_uri() if isinstance(path, Path) else path
    return source_pb2.StackFrame(pc=source_pb2.SourcePosition(uri=uri, line=line))


def test_a_frame_is_the_programs_when_its_file_is_under_the_program_and_outside_any_interpreter(tmp_path):
    program = tmp_path / "project"
    (program / "lifecycle").mkdir(parents=True)
    (tmp_path / "elsewhere").mkdir()
    (program / "linked").symlink_to(tmp_path / "elsewhere")
    is_program_frame = program_frame_test(program)
    assert is_program_frame((program / "__main__.py").as_uri())
    assert is_program_frame((program / "lifecycle" / "outcome.py").as_uri())
    assert not is_program_frame((tmp_path / "project-2" / "x.py").as_uri())  # a sibling sharing the prefix
    assert not is_program_frame((tmp_path / "runner.py").as_uri())
    assert not is_program_frame((program / "linked" / "x.py").as_uri())  # resolved: outside the program
    assert not is_program_frame((Path(sys.base_prefix) / "lib" / "asyncio" / "events.py").as_uri())
    assert not is_program_frame("")  # a frame without a file (runpy's frozen ones)


def test_a_virtualenv_inside_the_project_is_not_the_programs(tmp_path, monkeypatch):
    """`make up` runs the program from the repository, whose `.venv` holds the SDK: its frames are dropped."""
    venv = tmp_path / ".venv"
    monkeypatch.setattr(sys, "prefix", str(venv))
    is_program_frame = program_frame_test(tmp_path)
    assert not is_program_frame((venv / "lib" / "python3.11" / "site-packages" / "pulumi" / "stack.py").as_uri())
    assert is_program_frame((tmp_path / "components" / "seed_trunk.py").as_uri())


def test_the_sdks_capture_returns_the_program_frames_in_order(tmp_path, monkeypatch):
    program = tmp_path / "project"
    captured = [
        frame(program / "lifecycle" / "entity_resource.py", 40),
        frame(program / "__main__.py", 44),
        source_pb2.StackFrame(),
        frame(tmp_path / "runner" / "run_program.py", 87),
        frame(Path(sys.base_prefix) / "lib" / "asyncio" / "base_events.py", 640),
    ]
    monkeypatch.setattr(sdk_resource, CAPTURE, lambda: source_pb2.StackTrace(frames=captured))
    record_program_frames_only(program)
    record_program_frames_only(tmp_path)  # a second call keeps the first: the program's folder is set once
    trace = getattr(sdk_resource, CAPTURE)()
    assert [(f.pc.uri.rsplit("/", 1)[-1], f.pc.line) for f in trace.frames] == [
        ("entity_resource.py", 40),
        ("__main__.py", 44),
    ]
    position = sdk_resource._get_source_position(trace)  # what the SDK records as the source position
    assert position is not None and position.line == 40


def test_an_sdk_without_the_capture_is_left_as_it_is(tmp_path, monkeypatch):
    monkeypatch.delattr(sdk_resource, CAPTURE)
    record_program_frames_only(tmp_path)
    assert not hasattr(sdk_resource, CAPTURE)
