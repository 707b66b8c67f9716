"""save() and load() are safe in a shared folder and on hostile files.

* save never writes through a symbolic link, not even a dangling one;
* replacing a file keeps its mode and owner; a new file gets the umask's mode;
* load bounds its work on untrusted files: a file of junk is refused before it is parsed,
  or even read whole (the bytes read are counted), and a large valid file loads in
  bounded memory;
* load refuses a FIFO, a device or a folder without reading a byte, and without blocking;
* the temporary files of a save killed with SIGKILL are removed by the next save;
* saving over a hard-linked file detaches the other name, as documented;
* every legal file name (255 bytes) can be saved: the temp name fits too.
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import tracemalloc
from pathlib import Path
from typing import Any

import pytest
from bounds import counting_reads, no_hang
from documents import document, small_model

from micrograd_like import safe_files, serialize
from micrograd_like.nn import MLP
from micrograd_like.serialize import load, save

ROOT = Path(__file__).resolve().parent.parent
POSIX = pytest.mark.skipif(os.name != "posix", reason="POSIX file semantics")


def mode(path: Path) -> int:
    return stat.S_IMODE(os.lstat(path).st_mode)


# --------------------------------------------------------------------------------------
# Symbolic links: refused, never written through
# --------------------------------------------------------------------------------------


@POSIX
def test_save_refuses_to_write_through_a_symlink(tmp_path: Path) -> None:
    # someone plants model.json -> their victim file in a shared folder
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    link = tmp_path / "model.json"
    link.symlink_to(victim)
    with pytest.raises(ValueError, match=r"model\.json: it is a symbolic link .*victim\.txt"):
        save(small_model(), link)
    assert victim.read_text(encoding="utf-8") == "precious\n"
    assert link.is_symlink() and os.readlink(link) == str(victim)
    assert sorted(os.listdir(tmp_path)) == ["model.json", "victim.txt"]  # no temp file


@POSIX
def test_save_refuses_a_dangling_symlink(tmp_path: Path) -> None:
    # a link to a file that does not exist yet: saving must not create the file
    victim = tmp_path / "not-yet" / "victim.json"
    victim.parent.mkdir()
    link = tmp_path / "model.json"
    link.symlink_to(victim)
    with pytest.raises(ValueError, match="symbolic link"):
        save(small_model(), link)
    assert not victim.exists()
    assert link.is_symlink()


@POSIX
def test_a_symlink_planted_during_the_save_is_replaced_not_followed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the check happens before the write; a link planted after it is replaced by the
    # rename (rename never follows a link at the destination), so the victim is safe
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    path = tmp_path / "model.json"
    real_fsync = os.fsync

    def plant_then_fsync(fd: int) -> None:
        if not path.is_symlink():
            path.symlink_to(victim)
        real_fsync(fd)

    monkeypatch.setattr(safe_files.os, "fsync", plant_then_fsync)
    save(small_model(), path)
    monkeypatch.undo()
    assert victim.read_text(encoding="utf-8") == "precious\n"
    assert not path.is_symlink()
    assert load(path).state_dict() == small_model().state_dict()


@pytest.mark.parametrize("kind", ["directory", "fifo"])
@POSIX
def test_save_refuses_a_destination_that_is_not_a_regular_file(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "model.json"
    if kind == "directory":
        path.mkdir()
    else:
        os.mkfifo(path)
    with pytest.raises(ValueError, match="not a file"):
        save(small_model(), path)
    assert sorted(os.listdir(tmp_path)) == ["model.json"]


# --------------------------------------------------------------------------------------
# Modes and owners
# --------------------------------------------------------------------------------------


@pytest.mark.parametrize("old_mode", [0o600, 0o640, 0o444])
@POSIX
def test_save_keeps_the_mode_of_the_file_it_replaces(tmp_path: Path, old_mode: int) -> None:
    # a private model (0600) must not become world-readable (0644) when saved again
    path = tmp_path / "model.json"
    save(MLP(2, [1], seed=0), path)
    os.chmod(path, old_mode)
    save(small_model(), path)
    assert mode(path) == old_mode
    assert load(path).state_dict() == small_model().state_dict()


@POSIX
def test_a_new_file_gets_the_default_mode_narrowed_by_the_umask(tmp_path: Path) -> None:
    old_umask = os.umask(0o027)
    try:
        save(small_model(), tmp_path / "model.json")
    finally:
        os.umask(old_umask)
    assert mode(tmp_path / "model.json") == 0o640  # 0o666 & ~0o027


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0, reason="needs root")
def test_save_keeps_the_owner_and_group_of_the_file_it_replaces(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    save(MLP(2, [1], seed=0), path)
    os.chown(path, 4321, 4322)
    save(small_model(), path)
    st = os.lstat(path)
    assert (st.st_uid, st.st_gid) == (4321, 4322)


# --------------------------------------------------------------------------------------
# load() bounds its work on untrusted files
# --------------------------------------------------------------------------------------


def measured_load(path: Path) -> tuple[str, int, int]:
    """load(path) must refuse; (its message, bytes read, peak bytes allocated)."""
    tracemalloc.start()
    try:
        with counting_reads() as read, pytest.raises(ValueError) as info:
            load(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    message = str(info.value)
    assert path.name in message and "\n" not in message
    return message, read.n, peak


def junk_keys_file(path: Path, megabytes: int) -> None:
    """A model file whose architecture is fine, followed by megabytes of unexpected keys."""
    doc = document()
    head = json.dumps({k: doc[k] for k in ("format", "version", "architecture")})[:-1]
    entry = ', "k%07d": 0'
    n = megabytes * (1 << 20) // len(entry % 0)
    with open(path, "w", encoding="utf-8") as f:
        f.write(head)
        f.write(', "junk": {"k0": 0')
        f.write("".join(entry % i for i in range(n)))
        f.write("}}")


def test_load_refuses_a_file_of_unexpected_keys_before_parsing_it(tmp_path: Path) -> None:
    # a hostile file: a valid head, then 20 MB of unexpected keys (about 1.4 million).
    # Parsing it would cost seconds and hundreds of MB; the key count gives it away in
    # the first megabyte read
    path = tmp_path / "junk.json"
    junk_keys_file(path, 20)
    message, read, peak = measured_load(path)
    assert peak < 8_000_000, f"refusing a junk file allocated {peak} bytes"
    assert read <= 1 << 20, f"refusing a 20 MB junk file read {read:,} bytes of it"
    assert "keys that are not parameter names" in message


@pytest.mark.parametrize(
    ("junk", "problem"),
    [
        pytest.param(" " * (30 << 20), "entries", id="whitespace"),
        pytest.param('"' + "x" * (30 << 20) + '"', "entries", id="a-long-string"),
        pytest.param("[" * (10 << 20) + "0" + "]" * (10 << 20), "'{' and '['", id="nesting"),
    ],
)
def test_load_refuses_junk_before_reading_it_whole(tmp_path: Path, junk: str, problem: str) -> None:
    path = tmp_path / "junk.json"
    doc = json.dumps(document())
    path.write_text(doc.replace('"parameters": {', f'"extra": {junk}, "parameters": {{'))
    message, read, peak = measured_load(path)
    size = path.stat().st_size
    # load reads 1 MiB at a time: the junk shows in the first two
    assert read <= 2 << 20, f"refusing {size:,} bytes of junk read {read:,} of them"
    assert peak < 8_000_000, f"refusing {size:,} bytes of junk allocated {peak:,}"
    assert problem in message, message


def test_load_refuses_a_list_longer_than_any_model_needs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_build: None
) -> None:
    # nouts has at most MAX_PARAMETERS / 2 entries (each layer has 2 parameters or more):
    # a list of a million zeros cannot be one, so it is refused as it is read
    monkeypatch.setattr(serialize, "MAX_PARAMETERS", 10_000)
    path = tmp_path / "model.json"
    zeros = "[" + "0, " * 1_000_000 + "0]"
    path.write_text(json.dumps(document()).replace('"nouts": [3, 2]', f'"nouts": {zeros}'))
    message, _, peak = measured_load(path)
    assert "more than 5016 values" in message
    assert peak < 8_000_000, f"refusing the list allocated {peak} bytes"


def test_load_refuses_more_parameter_names_than_any_model_has(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, no_build: None
) -> None:
    monkeypatch.setattr(serialize, "MAX_PARAMETERS", 5)
    path = tmp_path / "model.json"
    path.write_text(json.dumps(document()), encoding="utf-8")  # 17 parameters
    message, _, _ = measured_load(path)
    assert "more than 5 parameter names; refusing before parsing" in message


def test_a_large_valid_file_loads_in_bounded_memory(tmp_path: Path) -> None:
    # 100,601 parameters (a 5 MB file). Loading used to hold the text, the parsed dict,
    # a list of every name and load_state_dict's copies at once: about 570 bytes per
    # parameter on top of the model. Now the names go before the model is built.
    model = MLP(100, [995, 1], seed=0)
    path = tmp_path / "model.json"
    save(model, path)
    tracemalloc.start()
    try:
        copy = load(path)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    n = model.num_parameters()
    assert copy.state_dict() == model.state_dict()
    assert peak / n < 400, f"load() allocated {peak / n:.0f} bytes per parameter"


# --------------------------------------------------------------------------------------
# Non-regular files are refused, without blocking
# --------------------------------------------------------------------------------------


@POSIX
def test_load_refuses_a_fifo_without_hanging(tmp_path: Path) -> None:
    # opening a FIFO for reading waits for a writer, forever: load must not even wait
    path = tmp_path / "model.json"
    os.mkfifo(path)
    with no_hang("load() on a FIFO"), counting_reads() as read:
        with pytest.raises(ValueError, match=r"model\.json: cannot load a FIFO"):
            load(path)
    assert read.n == 0


@POSIX
def test_load_refuses_a_directory(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    path.mkdir()
    with pytest.raises(ValueError, match=r"model\.json: cannot load a directory"):
        load(path)


@pytest.mark.skipif(not os.path.exists("/dev/zero"), reason="no /dev/zero")
def test_load_refuses_a_device_instead_of_reading_it_forever() -> None:
    # /dev/zero never ends: it used to be read up to the size cap (1 GiB) first
    with no_hang("load('/dev/zero')"), counting_reads() as read:
        with pytest.raises(ValueError, match="cannot load a character device"):
            load("/dev/zero")
    assert read.n == 0


# --------------------------------------------------------------------------------------
# Temporary files of a killed save are cleaned up by the next save
# --------------------------------------------------------------------------------------

# A child process that starts a save and freezes just before the rename, so that the
# temp file is complete, locked and open when the parent kills it with SIGKILL.
FREEZE_BEFORE_RENAME = """
import os, sys, time
from micrograd_like import safe_files, serialize
from micrograd_like.nn import MLP

def freeze(src, dst):
    print("written", flush=True)
    time.sleep(600)

safe_files.os.replace = freeze
serialize.save(MLP(2, [3, 1], seed=0), sys.argv[1])
"""


def killed_save(path: Path) -> list[str]:
    """Run a save to ``path`` in a child, kill -9 it midway; the temp files it left."""
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
    }
    child = subprocess.Popen(
        [sys.executable, "-c", FREEZE_BEFORE_RENAME, str(path)],
        stdout=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "written"
    finally:
        child.kill()  # SIGKILL: no clean-up code runs
        child.wait()
        if child.stdout is not None:
            child.stdout.close()
    return [n for n in os.listdir(path.parent) if n.endswith(".tmp")]


@pytest.mark.parametrize("name", ["model.json", "m" * 250 + ".json"], ids=["short", "255-bytes"])
@POSIX
def test_save_removes_the_temp_files_of_a_save_killed_midway(tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    save(MLP(2, [1], seed=0), path)
    left = killed_save(path)
    assert len(left) == 1 and left[0].startswith("." + name[:200])  # the leftover
    save(small_model(), path)
    assert os.listdir(tmp_path) == [name]
    assert load(path).state_dict() == small_model().state_dict()


def dead_pid() -> int:
    """The PID of a process that has just ended."""
    child = subprocess.Popen([sys.executable, "-c", "pass"])
    child.wait()
    return child.pid


@POSIX
def test_save_leaves_temp_files_that_are_not_stale_leftovers_of_its_own(tmp_path: Path) -> None:
    path = tmp_path / "model.json"
    # a process that lives until the test ends it (it waits for its input to close)
    alive = subprocess.Popen(
        [sys.executable, "-c", "import sys; sys.stdin.read()"], stdin=subprocess.PIPE
    )
    try:
        kept = {
            # a save in progress in a live process
            f".model.json.{alive.pid}-0123456789ab.tmp",
            # a leftover for another file
            f".other.json.{dead_pid()}-0123456789ab.tmp",
            # names that are not ours
            ".model.json.backup",
            f".model.json.{dead_pid()}-notours.tmp",
            "model.json.tmp",
        }
        for other in kept:
            (tmp_path / other).write_text("x", encoding="utf-8")
        # a dead process's file that someone still holds locked (a save in another PID
        # namespace, say) is left alone too
        locked = tmp_path / f".model.json.{dead_pid()}-00000000000f.tmp"
        locked.write_text("x", encoding="utf-8")
        import fcntl

        with open(locked, "rb") as held:
            fcntl.flock(held.fileno(), fcntl.LOCK_EX)
            save(small_model(), path)
        assert sorted(os.listdir(tmp_path)) == sorted({*kept, locked.name, "model.json"})
        # once nobody holds it, the next save removes it (and only it)
        save(small_model(), path)
        assert sorted(os.listdir(tmp_path)) == sorted({*kept, "model.json"})
    finally:
        alive.kill()
        alive.wait()
        if alive.stdin is not None:
            alive.stdin.close()


def test_the_temp_file_clean_up_is_documented() -> None:
    doc = " ".join((serialize.__doc__ or "").split())
    assert "the next save to the same path removes such leftovers" in doc


# --------------------------------------------------------------------------------------
# Hard links
# --------------------------------------------------------------------------------------


@POSIX
def test_save_over_a_hard_link_detaches_the_other_name_as_documented(tmp_path: Path) -> None:
    # the atomic rename puts a new file at the path; the other name keeps the old one
    path, other = tmp_path / "model.json", tmp_path / "backup.json"
    old = MLP(2, [1], seed=0)
    save(old, path)
    os.link(path, other)
    save(small_model(), path)
    assert load(path).state_dict() == small_model().state_dict()
    assert load(other).state_dict() == old.state_dict()
    assert os.stat(other).st_nlink == 1
    assert "other hard links" in " ".join((save.__doc__ or "").split())
    assert "other hard links to the old one keep the old content" in " ".join(
        (serialize.__doc__ or "").split()
    )


# --------------------------------------------------------------------------------------
# The longest legal file name
# --------------------------------------------------------------------------------------


def name_max(folder: Path) -> int:
    try:
        return os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError, AttributeError):  # pragma: no cover
        return 255


@pytest.mark.parametrize(
    "name",
    ["m" * 250 + ".json", "é" * 125 + ".json", "x" * 255],
    ids=["ascii", "two-byte-characters", "no-suffix"],
)
def test_save_accepts_a_legal_255_byte_file_name(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    assert len(os.fsencode(name)) == 255
    if name_max(tmp_path) < 255:
        pytest.skip("this file system allows shorter names")
    temp_names: list[str] = []
    real_replace = os.replace

    def recording_replace(src: Any, dst: Any) -> None:
        temp_names.append(os.path.basename(src))
        real_replace(src, dst)

    monkeypatch.setattr(safe_files.os, "replace", recording_replace)
    path = tmp_path / name
    save(small_model(), path)
    monkeypatch.undo()
    assert os.listdir(tmp_path) == [name]
    assert load(path).state_dict() == small_model().state_dict()
    (temp,) = temp_names
    assert len(os.fsencode(temp)) <= 255 and temp.startswith(".") and temp.endswith(".tmp")
