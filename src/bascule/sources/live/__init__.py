"""Live connectors run by `bascule listen`: Mastodon, Bluesky, RSS/Atom feeds and replay."""
