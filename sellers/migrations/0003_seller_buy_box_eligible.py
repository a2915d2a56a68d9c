from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("sellers", "0002_seller_commission_rate"),
    ]

    operations = [
        migrations.AddField(
            model_name="seller",
            name="buy_box_eligible",
            field=models.BooleanField(
                default=True,
                help_text="Kept by the seller scorecard (fulfillment.scorecard): false while a "
                "performance figure is past its threshold, so its offers cannot win the buy box.",
            ),
        ),
    ]
