from django.urls import path

from gardens.api import manage, views

urlpatterns = [
    path("", views.GardenListApi.as_view(), name="garden-list"),
    path("me/", views.MyGardeningApi.as_view(), name="garden-me"),
    path("<int:garden_id>/", views.GardenDetailApi.as_view(), name="garden-detail"),
    path(
        "<int:garden_id>/reservations/",
        views.ReservationCreateApi.as_view(),
        name="garden-reserve",
    ),
    path(
        "reservations/<int:reservation_id>/cancel/",
        views.ReservationCancelApi.as_view(),
        name="garden-reservation-cancel",
    ),
    path("<int:garden_id>/waitlist/", views.WaitlistJoinApi.as_view(), name="garden-waitlist-join"),
    path(
        "waitlist/<int:entry_id>/leave/",
        views.WaitlistLeaveApi.as_view(),
        name="garden-waitlist-leave",
    ),
    path(
        "offers/<int:offer_id>/accept/", views.OfferAcceptApi.as_view(), name="garden-offer-accept"
    ),
    path(
        "offers/<int:offer_id>/decline/",
        views.OfferDeclineApi.as_view(),
        name="garden-offer-decline",
    ),
    path(
        "work-days/<int:work_day_id>/signup/",
        views.WorkDaySignupApi.as_view(),
        name="garden-work-day-signup",
    ),
    # Coordinators: scoped to the gardens they coordinate.
    path(
        "<int:garden_id>/manage/occupancy/", manage.OccupancyApi.as_view(), name="garden-occupancy"
    ),
    path(
        "<int:garden_id>/manage/waitlist/",
        manage.ManagedWaitlistApi.as_view(),
        name="garden-manage-waitlist",
    ),
    path(
        "<int:garden_id>/manage/offers/",
        manage.ManagedOffersApi.as_view(),
        name="garden-manage-offers",
    ),
    path(
        "<int:garden_id>/manage/seasons/",
        manage.SeasonCreateApi.as_view(),
        name="garden-manage-seasons",
    ),
    *(
        path(
            f"<int:garden_id>/manage/reservations/<int:reservation_id>/{operation}/",
            manage.ManagedReservationActionApi.as_view(operation=operation),
            name=f"garden-manage-reservation-{operation}",
        )
        for operation in ("approve", "refuse", "cancel")
    ),
    path(
        "<int:garden_id>/manage/reservations/<int:reservation_id>/fee/",
        manage.FeeApi.as_view(),
        name="garden-manage-fee",
    ),
    path(
        "<int:garden_id>/manage/work-days/",
        manage.ManagedWorkDaysApi.as_view(),
        name="garden-manage-work-days",
    ),
    path(
        "<int:garden_id>/manage/work-days/<int:work_day_id>/attendance/",
        manage.AttendanceApi.as_view(),
        name="garden-manage-attendance",
    ),
    path("<int:garden_id>/manage/export.csv", manage.ExportApi.as_view(), name="garden-export"),
]
