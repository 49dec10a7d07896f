"""Writing ordered CSV lines with Spark, published whole or not at all.

Spark writes into a temporary directory beside the destination (same file system or bucket);
only when the job succeeded is the result moved into place: one file (``single_file``) or a
directory of ``part-NNNNN.csv`` files whose concatenation, in name order, is the CSV. A failed
job leaves the destination as it was. Every file operation goes through Hadoop's FileSystem,
so a local path and an object store URL take the same way.
"""

from __future__ import annotations

import re
import uuid
from pathlib import Path
from typing import TYPE_CHECKING, Any

from poslink.exceptions import ConfigError, EngineError
from poslink.files.atomic import is_stale, temp_name
from poslink.files.locations import is_url

if TYPE_CHECKING:
    from pyspark.sql import DataFrame, SparkSession

# The files of a CSV directory this module publishes (``publish`` names them).
PART_FILE = re.compile(r"part-\d{5}\.csv")


def qualify(spark: SparkSession, location: Path | str) -> str:
    """A location as Spark should read it: URLs as given, a path as a local file.

    On a cluster a path without a scheme means the cluster's default file system (HDFS,
    DBFS), as everywhere in Spark; on a local master it is a file on this machine.
    """
    text = str(location)
    if is_url(text):
        return text
    if (spark.sparkContext.master or "").startswith("local"):
        return Path(text).resolve().as_uri()
    return text


class Staged:
    """Lines Spark has written to a temporary place, waiting to be published or dropped."""

    def __init__(self, spark: SparkSession, dest: str, single_file: bool) -> None:
        self.dest = dest
        self.single_file = single_file
        jvm: Any = spark._jvm
        self._path = jvm.org.apache.hadoop.fs.Path
        self.fs = _raw(self._path(dest).getFileSystem(spark._jsc.hadoopConfiguration()))
        head, sep, name = dest.rstrip("/").rpartition("/")
        parent = head if sep else "."
        self._stamp = uuid.uuid4().hex[:12]
        # Named as the local engine's temporary files (host and pid): a run killed with
        # SIGKILL leaves its directory, which the next run writing ``dest`` removes.
        self.tmp = f"{parent}/{temp_name(Path(name))}"
        self._parent = parent
        self._name = name

    def write(self, lines: DataFrame) -> None:
        """Write the ``line`` column of ``lines`` in ``row`` order (CRLF line ends, as csv)."""
        self._check_replaceable()
        self._remove_stale()
        if self.single_file:
            ordered = lines.coalesce(1).sortWithinPartitions("row")
        else:
            ordered = lines.orderBy("row")
        ordered.select("line").write.option("lineSep", "\r\n").text(self.tmp)

    def publish(self) -> None:
        """Move the result into place, replacing what was there."""
        tmp = self._path(self.tmp)
        parts = sorted(
            (
                s.getPath()
                for s in self.fs.listStatus(tmp)
                if s.getPath().getName().startswith("part-")
            ),
            key=lambda p: p.getName(),
        )
        if self.single_file:
            if len(parts) != 1:
                raise EngineError(f"{self.dest}: Spark wrote {len(parts)} files, expected one")
            ready = parts[0]
        else:
            for status in self.fs.listStatus(tmp):
                name = status.getPath().getName()
                if not name.startswith("part-"):
                    self.fs.delete(status.getPath(), False)  # checksums, _SUCCESS
            for part in parts:
                self.fs.rename(part, self._path(tmp, part.getName()[:10] + ".csv"))
            ready = tmp
        self._replace(ready)
        self.discard()

    def discard(self) -> None:
        """Remove the temporary directory (nothing at the destination changes)."""
        self.fs.delete(self._path(self.tmp), True)

    def _check_replaceable(self) -> None:
        """Refuse a destination folder holding anything but an earlier output's parts.

        Publishing replaces the destination whole: a folder of the user's own would be deleted
        with everything in it. ``runs.paths`` refuses a local one before the run; this also
        covers URLs, before anything is written.
        """
        dest = self._path(self.dest)
        if not self.fs.exists(dest) or not self.fs.getFileStatus(dest).isDirectory():
            return
        names = sorted(s.getPath().getName() for s in self.fs.listStatus(dest))
        others = [name for name in names if not PART_FILE.fullmatch(name)]
        if others:
            raise ConfigError(
                f"{self.dest} is a folder holding other files ({others[0]}): the spark engine"
                " replaces the whole folder; give a new or empty folder, or one it wrote before"
            )

    def _remove_stale(self) -> None:
        """Remove what killed runs of this host left beside ``dest`` (``files.atomic``)."""
        parent = self._path(self._parent)
        if not self.fs.exists(parent):
            return
        for status in self.fs.listStatus(parent):
            if is_stale(status.getPath().getName(), self._name):
                self.fs.delete(status.getPath(), True)

    def _replace(self, ready: Any) -> None:
        dest = self._path(self.dest)
        old = None
        if self.fs.exists(dest):
            old = self._path(f"{self._parent}/.{self._name}.poslink-{self._stamp}.old")
            if not self.fs.rename(dest, old):
                raise EngineError(f"{self.dest}: cannot replace the earlier output")
        if not self.fs.rename(ready, dest):
            if old is not None:
                self.fs.rename(old, dest)
            raise EngineError(f"{self.dest}: cannot move the output into place")
        if old is not None:
            self.fs.delete(old, True)


def remove(spark: SparkSession, location: str) -> None:
    """Delete a file left by an earlier run (a stale rejects file), if there is one."""
    jvm: Any = spark._jvm
    path = jvm.org.apache.hadoop.fs.Path(location)
    fs = _raw(path.getFileSystem(spark._jsc.hadoopConfiguration()))
    if fs.exists(path):
        fs.delete(path, True)


def _raw(fs: Any) -> Any:
    # The local file system keeps .crc files beside every file it moves; its raw form does not.
    return fs.getRawFileSystem() if fs.getScheme() == "file" else fs
