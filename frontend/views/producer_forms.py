"""HTML forms of the producer dashboard. They only parse input; the services decide."""

from decimal import Decimal

from django import forms
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from producers import csv_io, photos
from producers.errors import PhotoAltRequired, PhotoRefused
from producers.models import MAX_WEIGHT_MARGIN_BP, WEIGHT_UNITS, Photographed, Producer, Product


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


class PhotoFields(forms.Form):
    """A photo to send, its description, and a box to remove the current one. The photo is
    checked and rendered while the form is cleaned (``producers.photos.prepare``): a refused
    file is an error next to it and nothing is saved."""

    photo = forms.FileField(
        label=_("Choose a photo"),
        required=False,
        widget=forms.FileInput(attrs={"accept": photos.ACCEPT}),
        help_text=_(
            "JPEG, PNG or WebP, 8 MB at most, at least 400 pixels on its shortest side. It is "
            "cropped to a landscape 4:3 frame around its centre."
        ),
    )
    photo_alt = forms.CharField(
        label=_("Description of the photo"),
        max_length=250,
        required=False,
        help_text=_(
            "What it shows, for people who cannot see it: “Bunches of carrots with their "
            "green tops”. Required with a photo."
        ),
    )
    photo_remove = forms.BooleanField(label=_("Remove the photo"), required=False)

    PHOTO_FIELDS = ("photo", "photo_alt", "photo_remove")

    def __init__(self, *args, owner: Photographed | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.owner = owner
        self.initial.setdefault("photo_alt", owner.photo_alt if owner is not None else "")
        if owner is None or not owner.photo:
            del self.fields["photo_remove"]

    def clean_photo(self):
        upload = self.cleaned_data.get("photo")
        if not upload:
            return None
        try:
            return photos.prepare(upload)
        except PhotoRefused as exc:
            raise forms.ValidationError(str(exc.message), code=exc.code) from None

    def clean(self):
        data = super().clean()
        kept = self.owner is not None and self.owner.photo and not data.get("photo_remove")
        described = data.get("photo_alt", "").strip() or "photo_alt" in self.errors
        if (data.get("photo") or kept) and not described:
            self.add_error("photo_alt", str(PhotoAltRequired.default_message))
        return data

    def photo_fields(self) -> list:
        return [self[name] for name in self.PHOTO_FIELDS if name in self.fields]

    def main_fields(self) -> list:
        return [f for f in self.visible_fields() if f.name not in self.PHOTO_FIELDS]

    def photo_arguments(self) -> dict:
        """The arguments of ``producers.photos.update_photo``."""
        data = self.cleaned_data
        return {
            "photo": data.get("photo"),
            "alt": data.get("photo_alt", ""),
            "remove": bool(data.get("photo_remove")),
        }


class ProducerForm(PhotoFields):
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
    weight_margin = forms.DecimalField(
        label=_("Margin on products sold by weight (%)"),
        required=False,
        min_value=0,
        max_value=Decimal(MAX_WEIGHT_MARGIN_BP) / 100,
        max_digits=4,
        decimal_places=2,
        localize=True,
        help_text=_(
            "The card is authorised for the estimate plus this margin; the household pays the "
            "real weight, never more. 15 %: a 10 € estimate is authorised for 11,50 €."
        ),
    )

    # The farm's legal identity (for its invoices), shown in a fieldset of its own. Only parsed
    # here, like the API's ``ProducerUpdateIn``: ``update_producer`` checks it (``producers.legal``).
    legal_name = forms.CharField(
        label=capfirst(_("legal name")),
        max_length=200,
        required=False,
        help_text=_("As on your Kbis or INSEE notice: EARL, GAEC, or your own name."),
    )
    siret = forms.CharField(
        label=_("SIRET"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
        help_text=_("14 digits, spaces allowed."),
    )
    vat_regime = forms.ChoiceField(
        label=capfirst(_("VAT regime")),
        choices=[("", "—"), *Producer.VatRegime.choices],
        required=False,
        help_text=_(
            "Liable: you charge VAT. Flat-rate farmer or franchise: you do not, and your "
            "invoices say why."
        ),
    )
    vat_number = forms.CharField(
        label=capfirst(_("intra-EU VAT number")),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
        help_text=_("FR, a 2-character key, then your SIREN; required when liable for VAT."),
    )

    LEGAL_FIELDS = ("legal_name", "siret", "vat_regime", "vat_number")

    @classmethod
    def for_producer(cls, producer: Producer, data=None, files=None):
        return cls(
            data,
            files,
            owner=producer,
            initial={
                "name": producer.name,
                "description": producer.description,
                "address": producer.address,
                "minimum_order": producer.minimum_order_cents,
                "weight_margin": (Decimal(producer.weight_margin_bp) / 100).normalize(),
                "legal_name": producer.legal_name,
                "siret": producer.siret_display,
                "vat_regime": producer.vat_regime,
                "vat_number": producer.vat_number,
            },
        )

    def farm_fields(self) -> list:
        return [f for f in self.main_fields() if f.name not in self.LEGAL_FIELDS]

    def legal_fields(self) -> list:
        return [self[name] for name in self.LEGAL_FIELDS]

    def legal_identity(self) -> dict:
        """The legal fields for ``update_producer``; one not sent at all stays unchanged."""
        return {name: self.cleaned_data[name] for name in self.LEGAL_FIELDS if name in self.data}

    def weight_margin_bp(self) -> int | None:
        """The margin typed as a percentage, in basis points (15 → 1500); empty: unchanged."""
        margin = self.cleaned_data.get("weight_margin")
        return None if margin is None else int(margin * 100)


class ProductForm(PhotoFields):
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
    sold_by_weight = forms.BooleanField(
        label=_("Sold by weight"),
        required=False,
        help_text=_(
            "For a cheese, a piece of meat: the quantity per unit (in kg or g) and the price are "
            "those of an average piece; you weigh each piece after the close and the household "
            "pays its real weight at the same price per kg."
        ),
    )

    @classmethod
    def for_product(cls, product: Product, data=None, files=None):
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
                "sold_by_weight",
            )
        }
        initial["quantity_per_unit"] = product.quantity_per_unit.normalize()
        return cls(data, files, owner=product, initial={**initial, "price": product.price_cents})

    def service_arguments(self) -> dict:
        """The arguments of ``create_product`` / ``update_product`` (the photo's go apart)."""
        data = {k: v for k, v in self.cleaned_data.items() if k not in self.PHOTO_FIELDS}
        data["price_cents"] = data.pop("price")
        return data

    def clean(self):
        data = super().clean()
        if data.get("sold_by_weight") and data.get("unit") not in (None, *WEIGHT_UNITS):
            self.add_error("unit", _("A product sold by weight is measured in kg or g."))
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
