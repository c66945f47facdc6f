from agenda.urls_steering import urlpatterns as urls_steering_patterns

app_name = "agenda"

urlpatterns: list = [*urls_steering_patterns]
