"""The DuckDB schema, versioned: each migration moves the store one version forward.

Designed for every capability at once (import, analysis, network, alerts, web, messages), so
later work adds columns or tables by appending a migration, never by editing an old one.
"""

from __future__ import annotations

MIGRATIONS: list[str] = [
    # 1: the foundation
    """
    CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR);

    CREATE TABLE authors (
        author_id VARCHAR PRIMARY KEY,       -- platform:keyed-hash of the native account id
        platform VARCHAR NOT NULL,
        handle VARCHAR NOT NULL,             -- real handle only if kept, else the pseudonym
        display_name VARCHAR,                -- NULL when pseudonymised
        pseudonymised BOOLEAN NOT NULL,
        followers BIGINT,
        following BIGINT,
        verified BOOLEAN,
        first_seen TIMESTAMP,
        last_seen TIMESTAMP
    );

    CREATE TABLE posts (
        post_id VARCHAR PRIMARY KEY,         -- platform:native id
        platform VARCHAR NOT NULL,
        native_id VARCHAR NOT NULL,
        author_id VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL,       -- UTC
        text VARCHAR,
        lang VARCHAR,                        -- as declared by the source
        reply_to VARCHAR,                    -- post_id
        repost_of VARCHAR,                   -- post_id
        quote_of VARCHAR,                    -- post_id
        conversation_id VARCHAR,
        url VARCHAR,
        likes BIGINT,
        reposts BIGINT,
        replies BIGINT,
        quotes BIGINT,
        source VARCHAR,
        run_id BIGINT,
        raw VARCHAR                          -- the platform payload as received (JSON text)
    );

    CREATE TABLE interactions (
        src_author VARCHAR NOT NULL,         -- who acted: amplified, replied, quoted, mentioned
        dst_author VARCHAR NOT NULL,         -- whom they acted on (influence flows dst -> src)
        kind VARCHAR NOT NULL,               -- repost | reply | quote | mention
        post_id VARCHAR NOT NULL,            -- the acting post
        target_post_id VARCHAR,              -- the post acted on, when known
        created_at TIMESTAMP,
        PRIMARY KEY (post_id, kind, dst_author)
    );

    CREATE TABLE post_analyses (
        post_id VARCHAR PRIMARY KEY,
        lang VARCHAR,
        lang_score DOUBLE,
        sentiment DOUBLE,                    -- -1 .. 1
        hesitation BOOLEAN,
        model VARCHAR,
        analyzed_at TIMESTAMP
    );

    CREATE TABLE analyses (
        post_id VARCHAR NOT NULL,
        target_id VARCHAR NOT NULL,
        stance VARCHAR NOT NULL,             -- favor | against | none
        stance_score DOUBLE,                 -- confidence of the stance, 0 .. 1
        sentiment DOUBLE,
        model VARCHAR,
        analyzed_at TIMESTAMP,
        PRIMARY KEY (post_id, target_id)
    );

    CREATE SEQUENCE run_ids START 1;
    CREATE TABLE ingest_runs (
        run_id BIGINT PRIMARY KEY,
        source VARCHAR,
        format VARCHAR,
        started_at TIMESTAMP,
        finished_at TIMESTAMP,
        imported BIGINT DEFAULT 0,
        duplicates BIGINT DEFAULT 0,
        rejected BIGINT DEFAULT 0,
        status VARCHAR
    );
    CREATE TABLE ingest_files (
        fingerprint VARCHAR PRIMARY KEY,     -- path + size + mtime
        path VARCHAR,
        format VARCHAR,
        bytes_done BIGINT,
        records_done BIGINT,
        done BOOLEAN,
        updated_at TIMESTAMP
    );
    CREATE TABLE rejects (
        run_id BIGINT,
        source VARCHAR,                      -- file or connector
        line BIGINT,                         -- 1-based line or record number
        reason VARCHAR,
        record VARCHAR,                      -- the start of the bad record
        created_at TIMESTAMP
    );

    CREATE TABLE cursors (
        source VARCHAR NOT NULL,
        key VARCHAR NOT NULL,
        value VARCHAR,
        updated_at TIMESTAMP,
        PRIMARY KEY (source, key)
    );
    CREATE TABLE tombstones (post_id VARCHAR PRIMARY KEY, deleted_at TIMESTAMP);
    CREATE TABLE forgotten (author_id VARCHAR PRIMARY KEY, forgotten_at TIMESTAMP);

    CREATE TABLE stance_labels (
        text_id VARCHAR NOT NULL,            -- post_id, or a hash of the text
        target_id VARCHAR NOT NULL,
        text VARCHAR,
        label VARCHAR NOT NULL,
        labeled_by VARCHAR,
        labeled_at TIMESTAMP,
        PRIMARY KEY (text_id, target_id)
    );

    CREATE TABLE communities (
        author_id VARCHAR PRIMARY KEY,
        community INTEGER,
        updated_at TIMESTAMP
    );

    CREATE TABLE alerts (
        alert_id VARCHAR PRIMARY KEY,        -- dedup key
        kind VARCHAR NOT NULL,               -- forecast | burst | lone_critic
        target_id VARCHAR,
        post_id VARCHAR,
        title VARCHAR,
        detail VARCHAR,                      -- JSON
        score DOUBLE,
        created_at TIMESTAMP,
        acknowledged_by VARCHAR
    );
    CREATE TABLE alert_deliveries (
        alert_id VARCHAR NOT NULL,
        channel VARCHAR NOT NULL,            -- webhook:URL | email:ADDRESS
        status VARCHAR,
        error VARCHAR,
        delivered_at TIMESTAMP,
        PRIMARY KEY (alert_id, channel)
    );

    CREATE TABLE users (
        username VARCHAR PRIMARY KEY,
        password_hash VARCHAR NOT NULL,
        role VARCHAR NOT NULL,               -- admin | analyst | viewer
        language VARCHAR,
        created_at TIMESTAMP
    );
    CREATE TABLE web_sessions (
        token_hash VARCHAR PRIMARY KEY,
        username VARCHAR NOT NULL,
        csrf_token VARCHAR NOT NULL,
        created_at TIMESTAMP,
        expires_at TIMESTAMP
    );

    CREATE TABLE messages (
        message_id VARCHAR PRIMARY KEY,
        source VARCHAR,
        platform VARCHAR,
        post_id VARCHAR,                     -- the published post, once known
        text VARCHAR,
        dry_run BOOLEAN,
        created_at TIMESTAMP
    );
    CREATE TABLE ambassador_notices (
        message_id VARCHAR NOT NULL,
        ambassador VARCHAR NOT NULL,
        channel VARCHAR,
        status VARCHAR,
        sent_at TIMESTAMP,
        PRIMARY KEY (message_id, ambassador)
    );
    """,
    # 2: daily aggregates that outlive raw posts (retention)
    """
    CREATE TABLE aggregates (
        day DATE NOT NULL,
        target_id VARCHAR NOT NULL,
        stance VARCHAR NOT NULL,
        authors BIGINT NOT NULL,             -- only groups of at least min_group_size
        posts BIGINT NOT NULL,
        PRIMARY KEY (day, target_id, stance)
    );
    """,
    # 3: posts keyed by an anti-join on write instead of an index. DuckDB's PRIMARY KEY index
    # cost about a third of a bulk import's time and memory; `ingest.write_batch` is the only
    # writer and inserts a post only when its post_id is new (same guarantee, no index).
    """
    CREATE TABLE posts_v3 (
        post_id VARCHAR NOT NULL,            -- platform:native id, unique (see ingest)
        platform VARCHAR NOT NULL,
        native_id VARCHAR NOT NULL,
        author_id VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL,       -- UTC
        text VARCHAR,
        lang VARCHAR,                        -- as declared by the source
        reply_to VARCHAR,                    -- post_id
        repost_of VARCHAR,                   -- post_id
        quote_of VARCHAR,                    -- post_id
        conversation_id VARCHAR,
        url VARCHAR,
        likes BIGINT,
        reposts BIGINT,
        replies BIGINT,
        quotes BIGINT,
        source VARCHAR,
        run_id BIGINT,
        raw VARCHAR                          -- the payload as received, or what the columns
                                             -- of a generic file did not take (JSON text)
    );
    INSERT INTO posts_v3 SELECT * FROM posts;
    DROP TABLE posts;
    ALTER TABLE posts_v3 RENAME TO posts;
    """,
    # 4: interactions kept unique by their one writer (`ingest.insert_interactions`) instead of
    # a PRIMARY KEY index: DuckDB holds an index in memory, and the 2.34M reply links of an
    # 11.7M-post file made the import's commit fail at its 256 MB memory cap
    """
    CREATE TABLE interactions_v4 (
        src_author VARCHAR NOT NULL,         -- who acted: amplified, replied, quoted, mentioned
        dst_author VARCHAR NOT NULL,         -- whom they acted on (influence flows dst -> src)
        kind VARCHAR NOT NULL,               -- repost | reply | quote | mention
        post_id VARCHAR NOT NULL,            -- the acting post; unique with kind, dst_author
        target_post_id VARCHAR,              -- the post acted on, when known
        created_at TIMESTAMP
    );
    INSERT INTO interactions_v4 SELECT * FROM interactions;
    DROP TABLE interactions;
    ALTER TABLE interactions_v4 RENAME TO interactions;
    """,
    # 5: which earlier runs' posts an import skipped as duplicates, per file: undoing an earlier
    # run names the files to read again without reading every later file (runs before this
    # version, `overlaps_from_run`, still are)
    """
    CREATE TABLE run_overlaps (
        run_id BIGINT NOT NULL,              -- the import that skipped posts
        earlier_run BIGINT NOT NULL,         -- the run that had stored them
        source VARCHAR NOT NULL,             -- the file (or source) they were read from
        posts BIGINT NOT NULL,
        PRIMARY KEY (run_id, earlier_run, source)
    );
    INSERT OR REPLACE INTO meta SELECT 'overlaps_from_run', CAST(coalesce(max(run_id), 0) + 1
        AS VARCHAR) FROM ingest_runs;
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)
