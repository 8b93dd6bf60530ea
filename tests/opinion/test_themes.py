"""Themes of the undecided: their quotes are distinct voices."""

from __future__ import annotations


def test_a_quoted_retweet_is_not_a_second_voice() -> None:
    from bascule.opinion.themes import _core

    # real PHEME replies: a headline, and manual retweets of it with other links
    head = "Police taking people out of #Paris grocery where hostages were being held. http://t.co/7Bxdhozq4H"
    again = "“@cnnbrk: Police taking people out of #Paris grocery where hostages were being held. http://t.co/i1GC3QP9mc”"
    rt = "RT @cnnbrk: Police taking people out of #Paris grocery where hostages were being held."
    assert _core(head) == _core(again) == _core(rt)
    assert _core("Je ne sais pas pour qui voter") != _core("Je sais pour qui voter")
