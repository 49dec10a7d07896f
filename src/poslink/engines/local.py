"""The local engine: the whole flow in this process."""

from __future__ import annotations

from collections import Counter

from poslink.engines.base import Engine, Job, match_record
from poslink.exceptions import SkippedRecord
from poslink.matching import Matcher
from poslink.records import Status


class LocalEngine(Engine):
    """Matches records one after another in this process, writing in input order."""

    name = "local"

    def run(self, job: Job) -> Counter[Status]:
        """Stream the source through the parser and matcher into the sink."""
        parser = job.index.parser(job.source.category_table)
        matcher = Matcher(job.index, job.matcher)
        counts: Counter[Status] = Counter()
        for record in job.source.records():
            match = match_record(record, parser, matcher)
            if isinstance(record, SkippedRecord):
                job.rejects.write(record.row, record.pos_id, record.reason, record.raw)
                job.sink.write(record.raw if isinstance(record.raw, dict) else {}, match)
            else:
                job.sink.write(record.raw, match)
            counts[match.status] += 1
            if job.progress is not None:
                job.progress(1)
        return counts
