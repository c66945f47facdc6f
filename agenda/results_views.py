"""The public results page of a round."""
