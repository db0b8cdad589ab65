from django.urls import path

from wenchuang.web.views import cockpit, help, indicators, layout, libraries, public, publications

app_name = "web"
urlpatterns = [
    path("", public.home, name="home"),
    path("map/districts.geojson", public.geojson, name="geojson"),
    path("cockpit/", cockpit.cockpit, name="cockpit"),
    path("districts/", cockpit.region_overview, name="regions"),
    path("districts/<str:code>/", cockpit.region_cockpit, name="region_cockpit"),
    path("indicators/<slug:code>/", indicators.indicator_detail, name="indicator"),
    path("indicators/<slug:code>/export.<str:fmt>", indicators.indicator_export, name="indicator_export"),
    path("layout/", layout.spatial_layout, name="layout"),
    path("enterprises/", libraries.enterprise_list, name="enterprise_list"),
    path("enterprises/<str:uscc>/", libraries.enterprise_detail, name="enterprise_detail"),
    path("platforms/", libraries.platform_list, name="platform_list"),
    path("talents/", libraries.talent_list, name="talent_list"),
    path("help/", help.help_page, name="help"),
    path("publications/", publications.publication_list, name="publications"),
    path("publications/<int:number>/", publications.publication_detail, name="publication_detail"),
]
