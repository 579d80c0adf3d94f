"""HTML forms of the producer dashboard. They only parse input; the services decide."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from producers import csv_io
from producers.models import Producer, Product


class EuroField(forms.CharField):
    """A price typed in euros (``3,50``, ``3.50``, ``3,50 €``) → cents."""

    def __init__(self, **kwargs):
        kwargs.setdefault(
            "widget",
            forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off", "maxlength": 20}),
        )
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, int):
            return csv_io.format_cents(value)
        return value

    def to_python(self, value):
        value = super().to_python(value)
        if value in self.empty_values:
            return None
        try:
            if len(value) > 20:
                raise ValueError(_("Enter a price in euros such as 3,50."))
            return csv_io.parse_cents(value)
        except ValueError as exc:
            raise forms.ValidationError(str(exc)) from None


class ProducerForm(forms.Form):
    name = forms.CharField(label=_("Farm name"), max_length=150)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    address = forms.CharField(
        label=_("Address"),
        max_length=300,
        help_text=_("Used to place the farm on the map; located a moment after saving."),
    )
    minimum_order = EuroField(
        label=_("Minimum order per distribution (€)"),
        required=False,
        help_text=_("Leave empty or 0 for no minimum."),
    )

    @classmethod
    def for_producer(cls, producer: Producer, data=None):
        return cls(
            data,
            initial={
                "name": producer.name,
                "description": producer.description,
                "address": producer.address,
                "minimum_order": producer.minimum_order_cents,
            },
        )


class ProductForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=150)
    category = forms.ChoiceField(label=_("Category"), choices=Product.Category.choices)
    unit = forms.ChoiceField(label=_("Sold by"), choices=Product.Unit.choices)
    quantity_per_unit = forms.DecimalField(
        label=_("Quantity per unit"),
        max_digits=8,
        decimal_places=3,
        min_value=Decimal("0.001"),
        initial=1,
        localize=True,
        help_text=_("For example 500 with “g” for a 500 g pack, 75 with “cl” for a bottle."),
    )
    price = EuroField(label=_("Price per unit, VAT included (€)"))
    vat_rate = forms.TypedChoiceField(
        label=_("VAT rate"), choices=Product.VatRate.choices, coerce=int, initial=550
    )
    is_organic = forms.BooleanField(label=_("Organic (AB label)"), required=False)
    description = forms.CharField(label=_("Description"), widget=forms.Textarea, required=False)
    is_active = forms.BooleanField(
        label=_("Active (can be offered in catalogues)"), required=False, initial=True
    )

    @classmethod
    def for_product(cls, product: Product, data=None):
        initial = {
            field: getattr(product, field)
            for field in (
                "name",
                "category",
                "unit",
                "quantity_per_unit",
                "vat_rate",
                "is_organic",
                "description",
                "is_active",
            )
        }
        initial["quantity_per_unit"] = product.quantity_per_unit.normalize()
        return cls(data, initial={**initial, "price": product.price_cents})

    def service_arguments(self) -> dict:
        data = dict(self.cleaned_data)
        data["price_cents"] = data.pop("price")
        return data

    def clean_price(self):
        price = self.cleaned_data["price"]
        if price is None:
            raise forms.ValidationError(_("This field is required."))
        return price


class OfferForm(forms.Form):
    """Price and stock of one offer (inline on the dashboard)."""

    price = EuroField(label=_("Price (€)"))
    quantity = forms.IntegerField(label=_("Stock"), min_value=0, max_value=1_000_000)


class AddOfferForm(forms.Form):
    product = forms.TypedChoiceField(label=_("Product"), coerce=int)
    quantity = forms.IntegerField(label=_("Stock"), min_value=0, max_value=1_000_000)
    price = EuroField(
        label=_("Price (€)"), required=False, help_text=_("Empty: the product's price.")
    )

    def __init__(self, *args, products=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["product"].choices = [(p.pk, p.name) for p in products]


class WeekForm(forms.Form):
    week = forms.DateField(widget=forms.HiddenInput)


class CsvUploadForm(forms.Form):
    file = forms.FileField(
        label=_("CSV file"),
        help_text=_(
            "UTF-8 (“CSV UTF-8” in Excel), columns separated by “;” or “,”, prices like 3,50."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,text/csv"}),
    )
