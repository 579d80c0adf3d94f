from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.core.validators import MaxValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from common import dates
from common import siret as ids
from common.models import Located
from producers import legal
from producers.errors import PhotoAltRequired
from producers.pricing import ReferencePrice, reference_price

# A farm's margin on products sold by weight is at most 50 %.
MAX_WEIGHT_MARGIN_BP = 5000
# The units a product sold by weight may be measured in (``Product.Unit``).
WEIGHT_UNITS = ("kg", "g")


class LegalIdentity(models.Model):
    """A legal identity, for invoices in its owner's name (a farm; a host's pickup point):
    the legal name, SIRET, VAT regime and VAT number, checked by ``producers.legal``."""

    class VatRegime(models.TextChoices):
        LIABLE = "liable", _("liable for VAT")
        FLAT_RATE = "flat_rate", _("flat-rate farmer (remboursement forfaitaire agricole)")
        FRANCHISE = "franchise", _("VAT exemption (franchise en base)")

    legal_name = models.CharField(_("legal name"), max_length=200, blank=True)
    siret = models.CharField(
        _("SIRET"), max_length=14, blank=True, help_text=_("14 digits, without spaces.")
    )
    vat_regime = models.CharField(
        _("VAT regime"), max_length=10, choices=VatRegime.choices, blank=True
    )
    vat_number = models.CharField(
        _("intra-EU VAT number"), max_length=13, blank=True, help_text=_("FR + key + SIREN.")
    )

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        self.siret, self.vat_number = ids.normalize(self.siret), ids.normalize(self.vat_number)
        errors = legal.legal_identity_errors(
            siret=self.siret, vat_regime=self.vat_regime, vat_number=self.vat_number
        )
        if errors:
            raise ValidationError(
                {
                    field: [ValidationError(e.message, code=e.code) for e in errs]
                    for field, errs in errors.items()
                }
            )

    @property
    def legal_identity_complete(self) -> bool:
        """A legal name, a valid SIRET, a VAT regime, and a VAT number when liable."""
        return legal.legal_identity_complete(self)

    @property
    def vat_mention(self) -> str:
        """The VAT line an invoice in its name carries ("" when the regime is unknown)."""
        return legal.vat_mention(self)

    @property
    def siret_display(self) -> str:
        return ids.format_siret(self.siret) if self.siret else ""


def photo_storage():
    """Where product and farm photos are stored (``STORAGES["photos"]``): public files, apart
    from the private documents of the default storage (invoices)."""
    return storages["photos"]


def photo_has_alt(model: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=models.Q(photo="") | ~models.Q(photo_alt=""), name=f"producers_{model}_photo_alt"
    )


class Photographed(models.Model):
    """A photo (``producers.photos`` stores its renditions; ``photo`` names the largest JPEG)
    and the text that describes it to those who cannot see it, required with a photo."""

    photo = models.ImageField(
        _("photo"), storage=photo_storage, max_length=255, blank=True, editable=False
    )
    photo_alt = models.CharField(
        _("description of the photo"),
        max_length=250,
        blank=True,
        help_text=_("What the photo shows, for people who cannot see it."),
    )

    class Meta:
        abstract = True

    def clean(self) -> None:
        super().clean()
        if self.photo and not self.photo_alt.strip():
            raise ValidationError(
                {
                    "photo_alt": ValidationError(
                        PhotoAltRequired.default_message, code=PhotoAltRequired.code
                    )
                }
            )


class Producer(Located, LegalIdentity, Photographed):
    """A farm selling through the network; its members manage it."""

    name = models.CharField(_("name"), max_length=150)
    slug = models.SlugField(_("slug"), max_length=160, unique=True)
    description = models.TextField(_("description"), blank=True)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="producers", blank=True, verbose_name=_("members")
    )
    minimum_order_cents = models.PositiveIntegerField(
        _("minimum order per distribution (cents)"), default=0
    )
    # Products sold by weight: the card is authorised for the estimate plus this margin, in
    # basis points (1500 = 15 %); the household pays the real weight, never more than that.
    weight_margin_bp = models.PositiveIntegerField(
        _("margin authorised on products sold by weight (basis points)"),
        default=1500,
        validators=[MaxValueValidator(MAX_WEIGHT_MARGIN_BP)],
        help_text=_("1500 = 15 %: a 10 € estimate is authorised for 11,50 €."),
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta(Located.Meta):
        verbose_name = _("producer")
        verbose_name_plural = _("producers")
        ordering = ["name"]
        constraints = [photo_has_alt("producer")]

    def __str__(self) -> str:
        return self.name


class Product(Photographed):
    """Something a producer sells. Prices are per unit, VAT included, in cents."""

    class Category(models.TextChoices):
        VEGETABLES = "vegetables", _("vegetables")
        FRUIT = "fruit", _("fruit")
        DAIRY = "dairy", _("dairy and cheese")
        BREAD = "bread", _("bread and bakery")
        MEAT = "meat", _("meat and poultry")
        EGGS = "eggs", _("eggs")
        HONEY = "honey", _("honey")
        DRINKS = "drinks", _("drinks")
        GROCERY = "grocery", _("grocery")
        BASKET = "basket", _("basket")
        OTHER = "other", _("other")

    class Unit(models.TextChoices):
        PIECE = "piece", _("piece")
        KG = "kg", _("kg")
        G = "g", _("g")
        LITRE = "l", _("litre")
        CL = "cl", _("cl")
        ML = "ml", _("ml")
        BUNCH = "bunch", _("bunch")
        BOX = "box", _("box")
        JAR = "jar", _("jar")
        DOZEN = "dozen", _("dozen")

    class VatRate(models.IntegerChoices):
        REDUCED = 550, "5,5 %"
        INTERMEDIATE = 1000, "10 %"
        STANDARD = 2000, "20 %"

    producer = models.ForeignKey(
        Producer, on_delete=models.CASCADE, related_name="products", verbose_name=_("farm")
    )
    name = models.CharField(_("name"), max_length=150)
    category = models.CharField(_("category"), max_length=20, choices=Category.choices)
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, default=Unit.PIECE)
    quantity_per_unit = models.DecimalField(
        _("quantity per unit"), max_digits=8, decimal_places=3, default=1
    )
    price_cents = models.PositiveIntegerField(_("price per unit (cents, VAT included)"))
    vat_rate = models.PositiveIntegerField(
        _("VAT rate"), choices=VatRate.choices, default=VatRate.REDUCED
    )
    # Sold by weight (a cheese, a piece of meat): ``quantity_per_unit`` (in kg or g) is then the
    # estimated weight of a piece and ``price_cents`` its estimated price; the household pays
    # the real weight at the same price per kg (``orders.weights``).
    sold_by_weight = models.BooleanField(
        _("sold by weight"),
        default=False,
        help_text=_("The weight and price shown are estimates; the real weight is charged."),
    )
    is_organic = models.BooleanField(_("organic"), default=False)
    description = models.TextField(_("description"), blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("product")
        verbose_name_plural = _("products")
        ordering = ["producer", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["producer", "name"], name="producers_product_name_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(quantity_per_unit__gt=0),
                name="producers_product_quantity_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(sold_by_weight=False) | models.Q(unit__in=WEIGHT_UNITS),
                name="producers_product_weighed_in_kg_or_g",
            ),
            photo_has_alt("product"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        super().clean()
        if self.sold_by_weight and self.unit not in WEIGHT_UNITS:
            raise ValidationError(
                {
                    "unit": ValidationError(
                        _("A product sold by weight is measured in kg or g."), code="weighed_unit"
                    )
                }
            )

    @property
    def estimated_weight_g(self) -> int | None:
        """The estimated weight of a piece in grams, for a product sold by weight."""
        return estimated_weight_g(self) if self.sold_by_weight else None

    @property
    def reference_price(self) -> ReferencePrice | None:
        """Price per kg or per litre, where the unit is a weight or a volume."""
        return reference_price(
            price_cents=self.price_cents, unit=self.unit, quantity_per_unit=self.quantity_per_unit
        )


def estimated_weight_g(product: Product) -> int:
    """``quantity_per_unit`` of a product measured in kg or g, in whole grams."""
    grams = product.quantity_per_unit * (1000 if product.unit == Product.Unit.KG else 1)
    return max(round(grams), 1)


class Catalogue(models.Model):
    """A producer's offers for one ISO week (``week`` is that week's Monday)."""

    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")

    producer = models.ForeignKey(
        Producer, on_delete=models.CASCADE, related_name="catalogues", verbose_name=_("farm")
    )
    week = models.DateField(_("week (Monday)"))
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.DRAFT
    )
    published_at = models.DateTimeField(_("published at"), null=True, blank=True)

    class Meta:
        verbose_name = _("weekly catalogue")
        verbose_name_plural = _("weekly catalogues")
        ordering = ["-week", "producer"]
        constraints = [
            models.UniqueConstraint(
                fields=["producer", "week"], name="producers_catalogue_week_unique"
            ),
        ]
        indexes = [models.Index(fields=["week", "status"], name="producers_catalogue_week_idx")]

    def __str__(self) -> str:
        return f"{self.producer} — {dates.week(self.week)}"


class Offer(models.Model):
    """A product in a weekly catalogue with its price and stock.

    ``remaining`` is what is left to sell; it is taken with conditional UPDATEs only, and the
    database refuses anything outside ``0 <= remaining <= quantity``.
    """

    catalogue = models.ForeignKey(
        Catalogue, on_delete=models.CASCADE, related_name="offers", verbose_name=_("catalogue")
    )
    product = models.ForeignKey(
        Product, on_delete=models.PROTECT, related_name="offers", verbose_name=_("product")
    )
    price_cents = models.PositiveIntegerField(_("price per unit (cents, VAT included)"))
    quantity = models.PositiveIntegerField(_("stock"))
    remaining = models.PositiveIntegerField(_("remaining"))

    class Meta:
        verbose_name = _("offer")
        verbose_name_plural = _("offers")
        ordering = ["catalogue", "product__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["catalogue", "product"], name="producers_offer_product_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(remaining__gte=0)
                & models.Q(remaining__lte=models.F("quantity")),
                name="producers_offer_remaining_within_stock",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.product} ({self.catalogue})"

    @property
    def taken(self) -> int:
        return self.quantity - self.remaining

    @property
    def reference_price(self) -> ReferencePrice | None:
        """Price per kg or per litre at this offer's price (reads ``product``)."""
        return reference_price(
            price_cents=self.price_cents,
            unit=self.product.unit,
            quantity_per_unit=self.product.quantity_per_unit,
        )
