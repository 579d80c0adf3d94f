# Orders, payments and subscriptions arrive with the ordering work.
