app_name = "equity"
urlpatterns = []
