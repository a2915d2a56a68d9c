from django.db import migrations, models


def staff_to_manager(apps, schema_editor):
    apps.get_model("sellers", "SellerMember").objects.filter(role="staff").update(role="manager")


def manager_to_staff(apps, schema_editor):
    apps.get_model("sellers", "SellerMember").objects.exclude(role="owner").update(role="staff")


class Migration(migrations.Migration):
    dependencies = [("sellers", "0003_seller_buy_box_eligible")]

    operations = [
        migrations.AlterField(
            model_name="sellermember",
            name="role",
            field=models.CharField(
                choices=[
                    ("owner", "Owner"),
                    ("manager", "Manager"),
                    ("shipping", "Shipping"),
                    ("finance", "Finance"),
                ],
                default="manager",
                max_length=8,
            ),
        ),
        migrations.RunPython(staff_to_manager, manager_to_staff),
    ]
