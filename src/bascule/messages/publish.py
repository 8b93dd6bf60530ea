"""`bascule message publish`: post through the campaign's own account, then track the post.

Dry run unless asked: nothing leaves the machine without `--yes`. The published post is
written to the store like any imported post, so `message effect` and the alerts follow it.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from bascule.errors import ConfigError, InputError
from bascule.sources.batch import BatchBuilder
from bascule.sources.live.credentials import credential
from bascule.store.ingest import write_batch
from bascule.store.messages import record_message


def _source(project, name: str):  # noqa: ANN001, ANN202
    for i, s in enumerate(project.config.sources):
        if s.key(i) == name:
            if s.kind not in ("mastodon", "bluesky"):
                raise ConfigError(
                    f"source {name!r} is {s.kind}: only mastodon and bluesky publish",
                    fr=f"la source {name!r} est de type {s.kind} : seules mastodon et bluesky "
                    "publient",
                )
            return s
    names = ", ".join(s.key(i) for i, s in enumerate(project.config.sources))
    raise ConfigError(
        f"no source named {name!r} in bascule.toml (sources: {names or 'none'})",
        fr=f"aucune source nommée {name!r} dans bascule.toml (sources : {names or 'aucune'})",
    )


def _mastodon_client(source, root):  # noqa: ANN001, ANN202
    from mastodon import Mastodon

    token = credential(root, source.token_env, required=True)
    return Mastodon(access_token=token, api_base_url=source.instance)


def _bluesky_client(source, root):  # noqa: ANN001, ANN202
    from atproto import Client

    client = Client(base_url=source.instance) if source.instance else Client()
    client.login(
        credential(root, source.handle_env, required=True),
        credential(root, source.password_env, required=True),
    )
    return client


def publish(
    project,
    source_name: str,
    text: str,
    *,
    yes: bool = False,  # noqa: ANN001
    client_factory: Callable[[Any, Any], Any] | None = None,
) -> dict:
    """Publish `text` through a configured source (dry run unless `yes`) and record it."""
    if not text or not text.strip():
        raise InputError("the message is empty")
    source = _source(project, source_name)
    now = datetime.now(UTC).replace(tzinfo=None)
    message_id = hashlib.sha256(f"{source_name}\n{text}\n{now.isoformat()}".encode()).hexdigest()[
        :16
    ]
    if not yes:
        record_message(project.store, message_id, source_name, source.kind, None, text, True, now)
        return {
            "message_id": message_id,
            "source": source_name,
            "platform": source.kind,
            "dry_run": True,
            "post_id": None,
            "text": text,
            "note": "dry run: nothing was posted; add --yes to publish",
        }
    factory = client_factory or (_mastodon_client if source.kind == "mastodon" else _bluesky_client)
    client = factory(source, project.root)
    post = (
        _post_mastodon(client, text, source)
        if source.kind == "mastodon"
        else _post_bluesky(client, text)
    )
    b = BatchBuilder(project.pseudonymizer, source=f"publish:{source_name}", run_id=None)
    b.add(post)
    write_batch(project.store, *b.tables())
    # the id the store gave it: a Bluesky id's account part is hidden like every other's
    post_id = f"{post.platform}:{project.pseudonymizer.hide_dids(str(post.native_id))}"
    record_message(project.store, message_id, source_name, source.kind, post_id, text, False, now)
    return {
        "message_id": message_id,
        "source": source_name,
        "platform": source.kind,
        "dry_run": False,
        "post_id": post_id,
        "url": post.url,
        "text": text,
    }


def _post_mastodon(client, text: str, source):  # noqa: ANN001, ANN202
    import json

    from bascule.sources.formats.mastodon import map_status

    status = client.status_post(text)
    obj = json.loads(json.dumps(status, default=str))
    return map_status(obj, json.dumps(obj), instance=source.instance)


def _post_bluesky(client, text: str):  # noqa: ANN001, ANN202
    from bascule.sources.formats.bluesky import did_of, map_post_record

    created = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    ref = client.send_post(text)
    uri = ref.uri
    return map_post_record(
        uri, did_of(uri), {"text": text, "createdAt": created, "$type": "app.bsky.feed.post"}
    )
