"""Schema migrations, oldest first. A store at version N runs migrations N+1.. in order.

Never edit a released migration: add a new one, so stores made by older versions upgrade.
"""

from __future__ import annotations

MIGRATIONS: list[str] = [
    # 1: articles, their raw inputs, sightings of exact duplicates, quarantine, near-duplicate index
    """
    CREATE TABLE raw_inputs (
        id TEXT PRIMARY KEY,            -- sha256 of the raw bytes
        name TEXT NOT NULL,             -- where the bytes came from
        media_type TEXT NOT NULL,
        size INTEGER NOT NULL,
        data BLOB NOT NULL              -- zlib-compressed
    );
    CREATE TABLE articles (
        id TEXT PRIMARY KEY,
        outlet TEXT,
        country TEXT,
        language TEXT,
        url TEXT,
        published TEXT,                 -- ISO 8601; a bare date when only the day is known
        published_sort TEXT,            -- UTC instant (or the date) for ordering
        modified TEXT,
        title TEXT NOT NULL DEFAULT '',
        byline TEXT,
        text TEXT NOT NULL,
        chars INTEGER NOT NULL,
        source TEXT NOT NULL,
        ingested TEXT NOT NULL,
        metadata TEXT NOT NULL DEFAULT '{}',
        raw_id TEXT REFERENCES raw_inputs(id),
        syndicated_of TEXT REFERENCES articles(id),
        syndication_similarity REAL
    );
    CREATE INDEX articles_published ON articles(published_sort);
    CREATE INDEX articles_outlet ON articles(outlet);
    CREATE INDEX articles_syndicated ON articles(syndicated_of);
    CREATE TABLE sightings (
        article_id TEXT NOT NULL REFERENCES articles(id),
        source TEXT NOT NULL,
        outlet TEXT,
        url TEXT,
        seen TEXT NOT NULL,
        PRIMARY KEY (article_id, source)
    );
    CREATE TABLE quarantine (
        id INTEGER PRIMARY KEY,
        input TEXT NOT NULL,
        reason TEXT NOT NULL,
        time TEXT NOT NULL,
        raw_id TEXT REFERENCES raw_inputs(id),
        UNIQUE (input, reason)
    );
    CREATE TABLE minhash (
        article_id TEXT PRIMARY KEY REFERENCES articles(id),
        signature BLOB NOT NULL
    );
    CREATE TABLE minhash_bands (
        band_key INTEGER NOT NULL,
        article_id TEXT NOT NULL REFERENCES articles(id)
    );
    CREATE INDEX minhash_bands_key ON minhash_bands(band_key);
    """,
    # 2: enrichment results, vectors, and the corpus-wide entity registry
    """
    CREATE TABLE enrichments (
        article_id TEXT PRIMARY KEY REFERENCES articles(id),
        version INTEGER NOT NULL,       -- enrichment version; older ones are redone by `parallax enrich`
        data TEXT NOT NULL,             -- JSON of parallax.model.Enrichment
        created TEXT NOT NULL
    );
    CREATE TABLE vectors (
        article_id TEXT NOT NULL REFERENCES articles(id),
        kind TEXT NOT NULL,             -- 'article' (one row) or 'sentences' (one row per sentence)
        model TEXT NOT NULL,
        dim INTEGER NOT NULL,
        data BLOB NOT NULL,             -- float32 little-endian, rows of dim values
        PRIMARY KEY (article_id, kind)
    );
    CREATE TABLE entities (
        id TEXT PRIMARY KEY,
        canonical TEXT NOT NULL,
        label TEXT NOT NULL,
        aliases TEXT NOT NULL DEFAULT '[]',
        roles TEXT NOT NULL DEFAULT '[]',
        nationality TEXT
    );
    CREATE INDEX entities_canonical ON entities(canonical COLLATE NOCASE);
    CREATE TABLE entity_mentions (
        entity_id TEXT NOT NULL REFERENCES entities(id),
        article_id TEXT NOT NULL REFERENCES articles(id),
        start INTEGER NOT NULL,
        end INTEGER NOT NULL,
        text TEXT NOT NULL,
        PRIMARY KEY (article_id, start, end)
    );
    CREATE INDEX entity_mentions_entity ON entity_mentions(entity_id);
    """,
    # 3: stories (clusters of articles about one story) and which article belongs to which
    """
    CREATE TABLE stories (
        id TEXT PRIMARY KEY,            -- 's' + the first 11 characters of its founding article's id
        title TEXT NOT NULL DEFAULT '',
        start TEXT,                     -- first and last publication day of its articles
        end TEXT,
        data TEXT NOT NULL,             -- JSON of the story record
        model TEXT NOT NULL,            -- story model and embedder that built it
        updated TEXT NOT NULL
    );
    CREATE INDEX stories_start ON stories(start);
    CREATE TABLE story_articles (
        article_id TEXT PRIMARY KEY REFERENCES articles(id),
        story_id TEXT NOT NULL REFERENCES stories(id) ON DELETE CASCADE,
        event INTEGER NOT NULL,         -- index of the event within the story
        seq INTEGER NOT NULL,           -- arrival order in the clustering run
        copy_of TEXT                    -- set for a syndicated copy: it counts once as evidence
    );
    CREATE INDEX story_articles_story ON story_articles(story_id, seq);
    """,
    # 4: full-text index of titles and texts; it mirrors ``articles`` through triggers, and the
    # rebuild fills it for stores made before it existed
    """
    CREATE VIRTUAL TABLE articles_fts USING fts5(
        title, text, content='articles', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2'
    );
    CREATE TRIGGER articles_fts_insert AFTER INSERT ON articles BEGIN
        INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
    END;
    CREATE TRIGGER articles_fts_delete AFTER DELETE ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text)
            VALUES ('delete', old.rowid, old.title, old.text);
    END;
    CREATE TRIGGER articles_fts_update AFTER UPDATE OF title, text ON articles BEGIN
        INSERT INTO articles_fts(articles_fts, rowid, title, text)
            VALUES ('delete', old.rowid, old.title, old.text);
        INSERT INTO articles_fts(rowid, title, text) VALUES (new.rowid, new.title, new.text);
    END;
    INSERT INTO articles_fts(articles_fts) VALUES ('rebuild');
    """,
    # 5: cached comparisons of stories. ``key`` names what the comparison was made from (the
    # sorted article ids, the enrichment version and the compare code version), so a story whose
    # membership changes simply misses the cache
    """
    CREATE TABLE comparisons (
        story_id TEXT PRIMARY KEY,
        key TEXT NOT NULL,
        data TEXT NOT NULL,             -- JSON of parallax.comparison/1
        created TEXT NOT NULL
    );
    """,
    # 6: ids of stories that a rebuild or a merge has renamed or folded into another, so that a
    # link to a story keeps working once an earlier article founds it anew
    """
    CREATE TABLE story_aliases (
        id TEXT PRIMARY KEY,            -- the old story id
        story_id TEXT NOT NULL          -- the story that holds most of its articles now
    );
    """,
    # 7: aliases are re-pointed by the story they lead to, once per retired story of a rebuild
    """
    CREATE INDEX story_aliases_story ON story_aliases(story_id);
    """,
]
