"""Text analysis: language, target mentions, sentiment, stance, topics, stickiness."""
