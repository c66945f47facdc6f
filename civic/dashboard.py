"""The dashboard ("Auswertung") in the Wagtail admin, assembled from registered panels."""
