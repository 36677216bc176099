from django.urls import path

from actions import views

app_name = "actions"

urlpatterns = [
    path("submit/", views.submit, name="submit"),
    path("submit/thanks/", views.thanks, name="thanks"),
    path("cities/", views.cities, name="cities"),
    path("<int:pk>/", views.detail, name="detail"),
]
