"""Visit routes: the order of a day's stops, and the stops of a week spread over its days."""
