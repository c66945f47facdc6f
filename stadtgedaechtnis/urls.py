from stadtgedaechtnis.urls_explore import urlpatterns as urls_explore_patterns

app_name = "stadtgedaechtnis"

urlpatterns: list = [*urls_explore_patterns]
