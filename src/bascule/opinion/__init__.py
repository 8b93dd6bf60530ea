"""Opinion: the continuous poll and the undecided."""
