-- Requests without credentials per client network and minute (issue 12 item 2), counted here
-- so that every instance on this database counts the same requests: one row per network and
-- window, incremented with one INSERT … ON CONFLICT DO UPDATE … RETURNING. Windows older than
-- the current one are deleted as new windows start. (SQLite's single instance counts them in
-- memory; it has no such table.)
-- Append-only: add a new numbered file, never edit this one.

CREATE TABLE network_requests (
    network      text NOT NULL,
    window_start timestamptz NOT NULL,
    requests     integer NOT NULL,
    PRIMARY KEY (network, window_start)
);
CREATE INDEX network_requests_window ON network_requests(window_start);
