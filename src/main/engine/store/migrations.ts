import type { Database } from 'better-sqlite3';

export interface Migration {
  /** The schema version this migration brings the database to (PRAGMA user_version). */
  version: number;
  name: string;
  up: (db: Database) => void;
}

/**
 * The studio's schema, oldest first. Never edit a migration that has shipped: add a new one.
 * Times are ISO 8601 UTC text; 90 kHz PTS values are INTEGER (SQLite integers are 64-bit).
 */
export const migrations: readonly Migration[] = [
  {
    version: 1,
    name: 'initial schema',
    up: (db) => {
      db.exec(`
        CREATE TABLE settings (
          key        TEXT PRIMARY KEY,
          value      TEXT NOT NULL,               -- JSON
          updated_at TEXT NOT NULL
        ) STRICT;

        -- Secrets live apart from the rows that logs and status payloads are built from.
        CREATE TABLE secrets (
          id         INTEGER PRIMARY KEY,
          purpose    TEXT NOT NULL,               -- e.g. 'srt.passphrase'
          value      TEXT NOT NULL,
          created_at TEXT NOT NULL
        ) STRICT;

        CREATE TABLE stream_keys (
          id           INTEGER PRIMARY KEY,
          name         TEXT NOT NULL UNIQUE,
          secret_id    INTEGER NOT NULL UNIQUE REFERENCES secrets(id),
          created_at   TEXT NOT NULL,
          last_used_at TEXT
        ) STRICT;

        CREATE TABLE outputs (
          id                   INTEGER PRIMARY KEY,
          name                 TEXT NOT NULL UNIQUE,
          kind                 TEXT NOT NULL CHECK (kind IN ('srt', 'hls', 'recording', 'rtmp')),
          enabled              INTEGER NOT NULL DEFAULT 1 CHECK (enabled IN (0, 1)),
          url                  TEXT,              -- srt:// or rtmp:// destination
          srt_mode             TEXT CHECK (srt_mode IN ('caller', 'listener')),
          srt_latency_us       INTEGER,           -- FFmpeg's srt 'latency' option is in microseconds
          srt_stream_id        TEXT,
          srt_pbkeylen         INTEGER CHECK (srt_pbkeylen IN (16, 24, 32)),
          secret_id            INTEGER REFERENCES secrets(id),  -- SRT passphrase or RTMP stream key
          path                 TEXT,              -- HLS publish folder or recording folder
          options              TEXT NOT NULL DEFAULT '{}',  -- JSON, never secrets
          created_at           TEXT NOT NULL,
          updated_at           TEXT NOT NULL
        ) STRICT;

        CREATE TABLE sources (
          id         INTEGER PRIMARY KEY,
          name       TEXT NOT NULL UNIQUE,
          kind       TEXT NOT NULL CHECK (kind IN ('rtmp', 'media', 'image', 'color', 'text', 'test_pattern')),
          config     TEXT NOT NULL DEFAULT '{}',  -- JSON
          created_at TEXT NOT NULL,
          updated_at TEXT NOT NULL
        ) STRICT;

        CREATE TABLE scenes (
          id         INTEGER PRIMARY KEY,
          name       TEXT NOT NULL UNIQUE,
          position   INTEGER NOT NULL,
          created_at TEXT NOT NULL
        ) STRICT;

        CREATE TABLE scene_layers (
          id          INTEGER PRIMARY KEY,
          scene_id    INTEGER NOT NULL REFERENCES scenes(id) ON DELETE CASCADE,
          source_id   INTEGER NOT NULL REFERENCES sources(id) ON DELETE CASCADE,
          z_order     INTEGER NOT NULL,
          x           INTEGER NOT NULL DEFAULT 0,
          y           INTEGER NOT NULL DEFAULT 0,
          width       INTEGER NOT NULL,
          height      INTEGER NOT NULL,
          crop_top    INTEGER NOT NULL DEFAULT 0,
          crop_right  INTEGER NOT NULL DEFAULT 0,
          crop_bottom INTEGER NOT NULL DEFAULT 0,
          crop_left   INTEGER NOT NULL DEFAULT 0,
          opacity     REAL NOT NULL DEFAULT 1 CHECK (opacity BETWEEN 0 AND 1),
          visible     INTEGER NOT NULL DEFAULT 1 CHECK (visible IN (0, 1)),
          UNIQUE (scene_id, z_order)
        ) STRICT;

        CREATE TABLE media (
          id           INTEGER PRIMARY KEY,
          path         TEXT NOT NULL UNIQUE,
          title        TEXT NOT NULL,
          duration_ms  INTEGER,
          width        INTEGER,
          height       INTEGER,
          fps_num      INTEGER,
          fps_den      INTEGER,
          video_codec  TEXT,
          audio_codec  TEXT,
          chapters     TEXT NOT NULL DEFAULT '[]', -- JSON [{ start_ms, title }]
          probe_status TEXT NOT NULL DEFAULT 'pending' CHECK (probe_status IN ('pending', 'ok', 'failed')),
          probe_error  TEXT,
          added_at     TEXT NOT NULL
        ) STRICT;

        CREATE TABLE channels (
          id         INTEGER PRIMARY KEY,
          name       TEXT NOT NULL UNIQUE,
          fps_num    INTEGER NOT NULL,
          fps_den    INTEGER NOT NULL,
          created_at TEXT NOT NULL
        ) STRICT;

        CREATE TABLE schedule_items (
          id              INTEGER PRIMARY KEY,
          channel_id      INTEGER NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
          media_id        INTEGER NOT NULL REFERENCES media(id) ON DELETE RESTRICT,
          start_at        TEXT NOT NULL,          -- wall time the item goes on air
          duration_frames INTEGER NOT NULL CHECK (duration_frames > 0),
          in_point_ms     INTEGER NOT NULL DEFAULT 0,
          created_at      TEXT NOT NULL
        ) STRICT;
        CREATE INDEX schedule_items_by_channel_start ON schedule_items(channel_id, start_at);

        CREATE TABLE ad_markers (
          id               INTEGER PRIMARY KEY,
          channel_id       INTEGER REFERENCES channels(id) ON DELETE CASCADE,
          schedule_item_id INTEGER REFERENCES schedule_items(id) ON DELETE CASCADE,
          state            TEXT NOT NULL CHECK (state IN ('planned', 'executed', 'cancelled')),
          offset_ms        INTEGER,               -- within the schedule item (chapter mark)
          splice_pts       INTEGER,               -- 33-bit, when executed
          duration_ms      INTEGER NOT NULL CHECK (duration_ms > 0),
          event_id         INTEGER,
          planned_at       TEXT NOT NULL,
          executed_at      TEXT
        ) STRICT;

        -- Every section sent, as it went on the wire.
        CREATE TABLE scte35_log (
          id                  INTEGER PRIMARY KEY,
          sent_at             TEXT NOT NULL,      -- wall time
          event_id            INTEGER,
          splice_command_type INTEGER NOT NULL,
          pts                 INTEGER,            -- splice PTS (90 kHz, 33-bit), null if immediate
          section_hex         TEXT NOT NULL,
          outcome             TEXT NOT NULL,      -- 'sent', 'repeated', 'cancel sent', 'heartbeat' (Scte35Outcome)
          detail              TEXT
        ) STRICT;
        CREATE INDEX scte35_log_by_time ON scte35_log(sent_at);

        CREATE TABLE analytics_samples (
          id         INTEGER PRIMARY KEY,
          sampled_at TEXT NOT NULL,
          metrics    TEXT NOT NULL                -- JSON snapshot of the live stats
        ) STRICT;
        CREATE INDEX analytics_samples_by_time ON analytics_samples(sampled_at);
      `);
    },
  },
  {
    version: 2,
    name: 'stream key ids are never reused',
    // Without AUTOINCREMENT SQLite hands out max(id) + 1, so the id of the newest key came back
    // after its removal, and an RTMP source still naming it took the next key's feed. SQLite cannot
    // add AUTOINCREMENT in place: the table is rebuilt as "Making Other Kinds Of Table Schema
    // Changes" (sqlite.org/lang_altertable.html) describes. No table references stream_keys (sources
    // name a key inside their JSON config), so the rebuild runs with foreign keys on, in the
    // migration's one transaction, and ends with the foreign key check that procedure asks for.
    up: (db) => {
      db.exec(`
        CREATE TABLE stream_keys_rebuilt (
          id           INTEGER PRIMARY KEY AUTOINCREMENT,
          name         TEXT NOT NULL UNIQUE,
          secret_id    INTEGER NOT NULL UNIQUE REFERENCES secrets(id),
          created_at   TEXT NOT NULL,
          last_used_at TEXT
        ) STRICT;
        INSERT INTO stream_keys_rebuilt (id, name, secret_id, created_at, last_used_at)
          SELECT id, name, secret_id, created_at, last_used_at FROM stream_keys;
        DROP TABLE stream_keys;
        ALTER TABLE stream_keys_rebuilt RENAME TO stream_keys;

        -- Ids already given out are unknown once their rows are gone; at least skip every id a
        -- source still names, so a source left on a removed key never takes a new key's feed.
        DELETE FROM sqlite_sequence WHERE name = 'stream_keys';
        INSERT INTO sqlite_sequence (name, seq) VALUES ('stream_keys', max(
          coalesce((SELECT max(id) FROM stream_keys), 0),
          coalesce((SELECT max(CAST(json_extract(config, '$.streamKeyId') AS INTEGER)) FROM sources WHERE kind = 'rtmp'), 0)
        ));
      `);
      const broken = db.pragma('foreign_key_check') as unknown[];
      if (broken.length > 0) throw new Error(`foreign key check failed after rebuilding stream_keys: ${JSON.stringify(broken)}`);
    },
  },
  {
    // Version 3 (version 2 is the stream keys' migration): which cipher sealed each secret, so the
    // desktop app can encrypt rows with the OS keychain and a host knows what it can read.
    version: 3,
    name: 'secrets sealed_with',
    up: (db) => {
      db.exec(`ALTER TABLE secrets ADD COLUMN sealed_with TEXT; -- NULL: plain text; else the SecretCipher id`);
    },
  },
  {
    // The ad-cue deck (#12): its settings, the as-run log of breaks, the emergency alerts, and the
    // one counter that hands out splice event ids. The counter is a row of its own, not max(event_id)
    // + 1: ids must keep increasing across restarts even if old as-run rows are ever pruned.
    version: 4,
    name: 'cue deck: as-run log, alert log, cue settings, event id counter',
    up: (db) => {
      db.exec(`
        CREATE TABLE cue_settings (
          id         INTEGER PRIMARY KEY CHECK (id = 1),
          value      TEXT NOT NULL,               -- JSON CueSettings
          updated_at TEXT NOT NULL
        ) STRICT;

        CREATE TABLE cue_event_counter (
          id            INTEGER PRIMARY KEY CHECK (id = 1),
          last_event_id INTEGER NOT NULL
        ) STRICT;
        INSERT INTO cue_event_counter (id, last_event_id) VALUES (1, 0);

        CREATE TABLE as_run (
          event_id                   INTEGER PRIMARY KEY,
          signal_style               TEXT NOT NULL,
          requested_at               TEXT NOT NULL,
          duration_requested         REAL NOT NULL,
          duration_planned           REAL NOT NULL,
          fps                        REAL NOT NULL,
          planned_splice_frame       INTEGER NOT NULL,
          planned_splice_pts         INTEGER,
          planned_splice_at          TEXT NOT NULL,
          planned_return_frame       INTEGER NOT NULL,
          planned_return_pts         INTEGER,
          planned_return_at          TEXT NOT NULL,
          actual_splice_frame        INTEGER,
          actual_splice_pts          INTEGER,
          actual_splice_at           TEXT,
          actual_return_frame        INTEGER,
          actual_return_pts          INTEGER,
          actual_return_at           TEXT,
          outcome                    TEXT NOT NULL,  -- AsRunOutcome
          sections_hex               TEXT NOT NULL DEFAULT '[]'  -- JSON: the sections queued, to find their SCTE-35 log rows
        ) STRICT;
        CREATE INDEX as_run_pending ON as_run(outcome) WHERE outcome = 'pending';

        CREATE TABLE alert_log (
          id                   INTEGER PRIMARY KEY AUTOINCREMENT,
          text                 TEXT NOT NULL,
          style                TEXT NOT NULL,
          started_at           TEXT NOT NULL,
          ended_at             TEXT,
          start_frame          INTEGER,
          end_frame            INTEGER,
          ended_by             TEXT,             -- 'timer' | 'operator' | 'program_stopped' | 'crash'; NULL while on air
          interrupted_event_id INTEGER
        ) STRICT;
      `);
    },
  },
  {
    // Layer geometry (#13): a layer owns its rect and lock. width/height existed since version 1
    // (filled with the source's size at write time), so stored scenes keep their size; only the
    // lock is new, and it defaults to unlocked.
    version: 5,
    name: 'scene layers: locked',
    up: (db) => {
      db.exec(`ALTER TABLE scene_layers ADD COLUMN locked INTEGER NOT NULL DEFAULT 0 CHECK (locked IN (0, 1));`);
    },
  },
  {
    // The media library (#14). Version 1's media table predates "frame n is the master time" and no
    // code ever wrote it: it becomes what ffprobe finds (exact frame rate, duration in seconds,
    // audio, chapters edited in the store only) plus the analysis made after the import (loudness,
    // thumbnail). Ids are never reused (AUTOINCREMENT): the cache folder and schedule items name them.
    // schedule_items references media and ad_markers references schedule_items, so the three are
    // rebuilt as sqlite.org/lang_altertable.html describes (new tables, copy, drop, rename: renaming
    // rewrites the references), unchanged but for media, in this migration's one transaction.
    version: 6,
    name: 'media library: media redesigned',
    up: (db) => {
      db.exec(`
        CREATE TABLE media_v6 (
          id                 INTEGER PRIMARY KEY AUTOINCREMENT,
          path               TEXT NOT NULL UNIQUE,
          name               TEXT NOT NULL,
          state              TEXT NOT NULL CHECK (state IN ('ready', 'failed')),
          reason             TEXT,                -- why it failed
          duration_seconds   REAL,
          video_width        INTEGER,
          video_height       INTEGER,
          video_fps_num      INTEGER,
          video_fps_den      INTEGER,
          video_codec        TEXT,
          audio_codec        TEXT,
          audio_channels     INTEGER,
          audio_sample_rate  INTEGER,
          chapters           TEXT NOT NULL DEFAULT '[]',  -- JSON [{ title, startSeconds }], sorted
          loudness_lufs      REAL,                -- integrated, EBU R128
          analysis_error     TEXT,                -- why the loudness or thumbnail could not be made
          thumbnail_path     TEXT,
          added_at           TEXT NOT NULL,
          CHECK (state = 'failed' OR duration_seconds IS NOT NULL)
        ) STRICT;
        INSERT INTO media_v6 (id, path, name, state, reason, duration_seconds, video_width, video_height, video_fps_num, video_fps_den, video_codec, audio_codec, added_at)
          SELECT id, path, title,
                 CASE WHEN probe_status = 'ok' AND duration_ms IS NOT NULL THEN 'ready' ELSE 'failed' END,
                 CASE WHEN probe_status = 'ok' AND duration_ms IS NOT NULL THEN NULL ELSE coalesce(probe_error, 'not probed; import it again') END,
                 duration_ms / 1000.0, width, height, fps_num, fps_den, video_codec, audio_codec, added_at
          FROM media;

        CREATE TABLE schedule_items_v6 (
          id              INTEGER PRIMARY KEY,
          channel_id      INTEGER NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
          media_id        INTEGER NOT NULL REFERENCES media_v6(id) ON DELETE RESTRICT,
          start_at        TEXT NOT NULL,          -- wall time the item goes on air
          duration_frames INTEGER NOT NULL CHECK (duration_frames > 0),
          in_point_ms     INTEGER NOT NULL DEFAULT 0,
          created_at      TEXT NOT NULL
        ) STRICT;
        INSERT INTO schedule_items_v6 SELECT id, channel_id, media_id, start_at, duration_frames, in_point_ms, created_at FROM schedule_items;

        CREATE TABLE ad_markers_v6 (
          id               INTEGER PRIMARY KEY,
          channel_id       INTEGER REFERENCES channels(id) ON DELETE CASCADE,
          schedule_item_id INTEGER REFERENCES schedule_items_v6(id) ON DELETE CASCADE,
          state            TEXT NOT NULL CHECK (state IN ('planned', 'executed', 'cancelled')),
          offset_ms        INTEGER,
          splice_pts       INTEGER,
          duration_ms      INTEGER NOT NULL CHECK (duration_ms > 0),
          event_id         INTEGER,
          planned_at       TEXT NOT NULL,
          executed_at      TEXT
        ) STRICT;
        INSERT INTO ad_markers_v6 SELECT id, channel_id, schedule_item_id, state, offset_ms, splice_pts, duration_ms, event_id, planned_at, executed_at FROM ad_markers;

        DROP TABLE ad_markers;
        DROP TABLE schedule_items;
        DROP TABLE media;
        ALTER TABLE media_v6 RENAME TO media;
        ALTER TABLE schedule_items_v6 RENAME TO schedule_items;
        ALTER TABLE ad_markers_v6 RENAME TO ad_markers;
        CREATE INDEX schedule_items_by_channel_start ON schedule_items(channel_id, start_at);
      `);
      const broken = db.pragma('foreign_key_check') as unknown[];
      if (broken.length > 0) throw new Error(`foreign key check failed after rebuilding media: ${JSON.stringify(broken)}`);
    },
  },
  {
    // The channel timeline (#14). Version 1's channels/schedule_items/ad_markers predate "frame n
    // is the master time" and no code wrote them. Now:
    // - One channel (the studio is one channel), its row holding the playout settings and the
    //   schedule's revision; its filler list is a table, so removing a media row drops it from it.
    // - An item is media or a live scene; it starts at a fixed wall time or follows another item.
    //   In point and play length are seconds (REAL), not frames: the program's frame rate can
    //   change between edit and air time, so frames are derived when the item airs.
    // - Breaks at chapters are a break length on the item: where they fall follows the media's
    //   chapters (edited in the library); what aired is in the cue deck's as_run log, so ad_markers
    //   goes.
    // - An item names its media/scene with ON DELETE SET NULL and keeps its title: the engine
    //   refuses to remove media that an item not yet ended plays, so only history loses the link.
    // Old rows are carried over (fixed items; frames turned into seconds at the old channel's rate).
    version: 7,
    name: 'channel timeline: channels, schedule_items redesigned, ad_markers dropped',
    up: (db) => {
      db.exec(`
        CREATE TABLE channels_v7 (
          id                    INTEGER PRIMARY KEY CHECK (id = 1),  -- one channel per studio
          name                  TEXT NOT NULL,
          loudness_target_lufs  REAL NOT NULL DEFAULT -23,           -- EBU R128
          hide_filler_in_guide  INTEGER NOT NULL DEFAULT 0 CHECK (hide_filler_in_guide IN (0, 1)),
          schedule_revision     INTEGER NOT NULL DEFAULT 0,         -- +1 with every committed edit
          created_at            TEXT NOT NULL,
          updated_at            TEXT NOT NULL
        ) STRICT;
        INSERT INTO channels_v7 (id, name, created_at, updated_at)
          SELECT 1, coalesce((SELECT name FROM channels ORDER BY id LIMIT 1), 'Studio'),
                 coalesce((SELECT created_at FROM channels ORDER BY id LIMIT 1), strftime('%Y-%m-%dT%H:%M:%fZ', 'now')),
                 strftime('%Y-%m-%dT%H:%M:%fZ', 'now');

        CREATE TABLE channel_filler (
          channel_id INTEGER NOT NULL REFERENCES channels_v7(id) ON DELETE CASCADE,
          position   INTEGER NOT NULL,
          media_id   INTEGER NOT NULL REFERENCES media(id) ON DELETE CASCADE,
          PRIMARY KEY (channel_id, position)
        ) STRICT;
        CREATE INDEX channel_filler_by_media ON channel_filler(media_id);

        CREATE TABLE schedule_items_v7 (
          id            INTEGER PRIMARY KEY AUTOINCREMENT,
          channel_id    INTEGER NOT NULL DEFAULT 1 REFERENCES channels_v7(id) ON DELETE CASCADE,
          kind          TEXT NOT NULL CHECK (kind IN ('media', 'live')),
          title         TEXT NOT NULL,            -- the media's or scene's name when last edited
          media_id      INTEGER REFERENCES media(id) ON DELETE SET NULL,
          scene_id      INTEGER REFERENCES scenes(id) ON DELETE SET NULL,
          start_at      TEXT,                     -- fixed: wall time it goes on air (ISO UTC); NULL when it follows
          -- follows: starts when that item ends; checked at commit, so an edit may relink a chain in any order
          after_id      INTEGER REFERENCES schedule_items_v7(id) DEFERRABLE INITIALLY DEFERRED,
          in_seconds    REAL NOT NULL DEFAULT 0 CHECK (in_seconds >= 0),
          play_seconds  REAL NOT NULL CHECK (play_seconds > 0),
          break_seconds REAL CHECK (break_seconds IS NULL OR break_seconds > 0),  -- breaks at chapters, each this long
          created_at    TEXT NOT NULL,
          updated_at    TEXT NOT NULL,
          CHECK ((start_at IS NULL) <> (after_id IS NULL)),
          CHECK (after_id IS NULL OR after_id <> id),
          CHECK (kind = 'media' OR (media_id IS NULL AND in_seconds = 0 AND break_seconds IS NULL)),
          CHECK (kind = 'live' OR scene_id IS NULL)
        ) STRICT;
        INSERT INTO schedule_items_v7 (id, kind, title, media_id, start_at, in_seconds, play_seconds, created_at, updated_at)
          SELECT item.id, 'media', coalesce(media.name, 'media ' || item.media_id), item.media_id,
                 coalesce(strftime('%Y-%m-%dT%H:%M:%fZ', item.start_at), item.start_at), item.in_point_ms / 1000.0,
                 item.duration_frames * channel.fps_den * 1.0 / channel.fps_num, item.created_at, item.created_at
          FROM schedule_items AS item
          JOIN channels AS channel ON channel.id = item.channel_id
          LEFT JOIN media ON media.id = item.media_id;
        CREATE INDEX schedule_items_by_start ON schedule_items_v7(channel_id, start_at);
        CREATE INDEX schedule_items_by_after ON schedule_items_v7(after_id);

        DROP TABLE ad_markers;
        DROP TABLE schedule_items;
        DROP TABLE channels;
        ALTER TABLE channels_v7 RENAME TO channels;
        ALTER TABLE schedule_items_v7 RENAME TO schedule_items;
      `);
      const broken = db.pragma('foreign_key_check') as unknown[];
      if (broken.length > 0) throw new Error(`foreign key check failed after rebuilding the schedule: ${JSON.stringify(broken)}`);
    },
  },
];
