"""`socialops metrics`: what the published posts achieved, kept in the repository.

- store: the snapshots, `.socialops/metrics/YYYY/MM/DD.jsonl`, one JSON object per line
  (`time`, `post`, `channel`, `part`, `platform`, `metric`, `value`), appended, sorted,
  a sample writing only what changed;
- ages: when each published part is sampled (1 h to 90 days after it went out);
- collect: the run that asks each platform for its counts and followers, and commits the
  snapshot like the ledger;
- report: the numbers by post, channel, campaign, language, weekday and hour, with the
  engagement rates and each campaign against its targets; exports to CSV;
- readcache: what the last report read, kept in the git directory so the next one reads
  only the files that changed;
- page: the same report as a static HTML page with charts (matplotlib, an optional extra,
  imported only there).

Returns data; never prints. `now` is a parameter.
"""
