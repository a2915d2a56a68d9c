"""Words the demo catalog is made of.

Every name here is invented or generic. A top-level category belongs to a
*family*; the family says which brands, adjectives, features, attributes and
title templates its products draw from. Title templates are ``str.format``
strings over ``brand``, ``adj``, ``noun``, ``feature`` and the product's
attributes.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Sub:
    name: str
    nouns: tuple[str, ...]
    price: tuple[int, int]  # list price range in dollars
    weight: tuple[int, int] = (200, 2000)  # grams


@dataclass(frozen=True)
class Family:
    brands: tuple[str, ...]
    adjectives: tuple[str, ...]
    features: tuple[str, ...]
    attributes: dict[str, tuple[str, ...]]
    titles: tuple[str, ...] = ("{brand} {adj} {noun}, {feature}",)
    # Variations: the theme and, per dimension, the values a family may use.
    variation_theme: str = ""
    variation_values: dict[str, tuple[str, ...]] = field(default_factory=dict)
    variation_share: float = 0.0  # share of products that are variation families
    used_share: float = 0.05  # share of offers that are used or renewed


@dataclass(frozen=True)
class Top:
    name: str
    family: str
    subs: tuple[Sub, ...]
    palette: tuple[tuple[str, str], ...]  # gradient colour pairs for the images


COLOURS = ("Black", "White", "Silver", "Graphite", "Navy", "Red", "Blue", "Green", "Grey", "Rose Gold")
SOFT_COLOURS = ("Charcoal", "Ivory", "Sage", "Slate Blue", "Terracotta", "Sand", "Black", "White", "Olive")
APPAREL_COLOURS = ("Black", "Navy", "Heather Grey", "Olive", "Burgundy", "White", "Khaki", "Dusty Pink")
APPAREL_SIZES = ("XS", "S", "M", "L", "XL", "XXL")
SHOE_SIZES = ("6", "7", "7.5", "8", "8.5", "9", "9.5", "10", "10.5", "11", "12")

FAMILIES: dict[str, Family] = {
    "electronics": Family(
        brands=("Acme Audio", "Voltura", "Sonique", "Northwave", "Pulsar Labs", "Everbright", "Basics Co."),
        adjectives=("Wireless", "Portable", "Compact", "Premium", "Smart", "Ultra-Slim", "Noise-Cancelling"),
        features=(
            "30h Battery",
            "Bluetooth 5.3",
            "USB-C Fast Charging",
            "Voice Assistant Built-in",
            "Water Resistant IPX5",
            "Low-Latency Mode",
            "Dual Pairing",
        ),
        attributes={
            "Colour": COLOURS,
            "Connectivity": ("Bluetooth", "Wi-Fi", "Wired", "Bluetooth + Wi-Fi"),
            "Power source": ("Battery", "Mains", "USB"),
            "Warranty": ("1 year", "2 years"),
        },
        titles=(
            "{brand} {adj} {noun}, {feature}, {Colour}",
            "{brand} {noun} with {feature} ({Colour})",
            "{brand} {adj} {noun} - {Connectivity}, {feature}",
        ),
    ),
    "computers": Family(
        brands=("Cortexa", "Lumen Systems", "Helix", "Byteforge", "Quanta Works", "Basics Co."),
        adjectives=("Thin and Light", "Gaming", "Business", "Ergonomic", "Mechanical", "High-Speed"),
        features=(
            "Backlit Keyboard",
            "Wi-Fi 6E",
            "Thunderbolt 4",
            "144Hz Display",
            "All-Day Battery",
            "Fingerprint Reader",
        ),
        attributes={
            "Screen size": ("13.3 in", "14 in", "15.6 in", "16 in", "17.3 in", "24 in", "27 in"),
            "Memory": ("8 GB", "16 GB", "32 GB", "64 GB"),
            "Storage": ("256 GB SSD", "512 GB SSD", "1 TB SSD", "2 TB SSD"),
            "Processor": ("8-core 3.2 GHz", "10-core 4.0 GHz", "12-core 4.5 GHz", "6-core 2.8 GHz"),
            "Colour": ("Space Grey", "Silver", "Black"),
        },
        titles=(
            "{brand} {adj} {noun}, {Memory} RAM, {Storage}, {feature}",
            "{brand} {noun} {Screen size}, {feature}",
            "{brand} {adj} {noun}, {feature}, {Colour}",
        ),
        used_share=0.15,
    ),
    "home": Family(
        brands=("Hearthline", "Casa Verde", "Oakridge Home", "Nordhem", "Kitchen Pro", "Basics Co."),
        adjectives=("Non-Stick", "Stainless Steel", "Cast Iron", "Ceramic", "Stackable", "Dishwasher-Safe"),
        features=(
            "Set of 4",
            "Oven Safe to 500F",
            "BPA-Free",
            "Easy Clean",
            "Soft-Close Lid",
            "Induction Ready",
        ),
        attributes={
            "Material": ("Stainless steel", "Ceramic", "Cast iron", "Bamboo", "Borosilicate glass", "Cotton"),
            "Colour": SOFT_COLOURS,
            "Capacity": ("1 qt", "2 qt", "5 qt", "8 qt", "12 oz", "1.7 L"),
        },
        titles=(
            "{brand} {adj} {noun}, {feature}, {Colour}",
            "{brand} {noun}, {Capacity}, {Material}",
            "{brand} {adj} {noun} ({feature})",
        ),
    ),
    "books": Family(
        brands=(
            "Lantern House",
            "Meridian Press",
            "Blue Heron Books",
            "Northfield Publishing",
            "Quill & Ink",
            "Harbour Lights Press",
        ),
        adjectives=(),
        features=(),
        attributes={
            "Format": ("Paperback", "Hardcover", "Paperback", "Large Print"),
            "Language": ("English",),
        },
        titles=("{book}",),
        used_share=0.25,
    ),
    "toys": Family(
        brands=("Playnest", "Tiny Titans", "BrightBlocks", "Whimsy Works", "Kidoodle"),
        adjectives=("Educational", "Classic", "Wooden", "Magnetic", "Interactive", "Glow-in-the-Dark"),
        features=("Ages 3+", "Ages 6+", "Ages 8-12", "120 Pieces", "500 Pieces", "Battery Included"),
        attributes={
            "Age range": ("3+ years", "6+ years", "8+ years", "12+ years"),
            "Material": ("Wood", "ABS plastic", "Plush", "Cardboard"),
        },
        titles=("{brand} {adj} {noun}, {feature}", "{brand} {noun} for Kids, {feature}"),
    ),
    "apparel": Family(
        brands=(
            "Threadline",
            "Northern Trail",
            "Urban Loom",
            "Coastal Co.",
            "Everyday Basics",
            "Finch & Fox",
        ),
        adjectives=("Classic", "Slim-Fit", "Relaxed-Fit", "Lightweight", "Organic Cotton", "Stretch"),
        features=("Breathable", "Wrinkle-Resistant", "Machine Washable", "Moisture-Wicking", "Soft Brushed"),
        attributes={
            "Material": ("100% cotton", "Cotton blend", "Merino wool", "Polyester", "Linen"),
            "Care": ("Machine wash", "Hand wash", "Machine wash cold"),
            "Fit": ("Regular", "Slim", "Relaxed"),
        },
        titles=(
            "{brand} Men's {adj} {noun}, {feature}",
            "{brand} Women's {adj} {noun}",
            "{brand} {adj} {noun}",
        ),
        variation_theme="Size/Colour",
        variation_values={"Size": APPAREL_SIZES, "Colour": APPAREL_COLOURS},
        variation_share=0.6,
        used_share=0.02,
    ),
    "shoes": Family(
        brands=("Stride Lab", "Pathfinder", "Cobble & Co.", "AeroStep", "Trailhead"),
        adjectives=("Lightweight", "Cushioned", "Waterproof", "Leather", "Slip-On", "Breathable Mesh"),
        features=("Memory Foam Insole", "Non-Slip Sole", "Wide Fit Available", "Arch Support"),
        attributes={
            "Upper material": ("Leather", "Mesh", "Suede", "Canvas", "Synthetic"),
            "Sole": ("Rubber", "EVA foam", "Crepe"),
            "Colour": APPAREL_COLOURS,
        },
        titles=("{brand} Men's {adj} {noun}, {feature}", "{brand} Women's {adj} {noun}, {feature}"),
        variation_theme="Size",
        variation_values={"Size": SHOE_SIZES},
        variation_share=0.7,
        used_share=0.02,
    ),
    "beauty": Family(
        brands=("Lumiere", "Botanica Pure", "Velvet Bloom", "Dermalab", "Aurora Skin"),
        adjectives=("Hydrating", "Fragrance-Free", "Vegan", "Nourishing", "Brightening", "Gentle"),
        features=("with Hyaluronic Acid", "with Vitamin C", "for Sensitive Skin", "SPF 30", "Travel Size"),
        attributes={
            "Volume": ("30 ml", "50 ml", "100 ml", "200 ml", "1.7 fl oz"),
            "Skin type": ("All", "Dry", "Oily", "Sensitive"),
        },
        titles=("{brand} {adj} {noun} {feature}, {Volume}", "{brand} {noun}, {adj}, {Volume}"),
        used_share=0.0,
    ),
    "sports": Family(
        brands=("Summit Gear", "Peakform", "Riverstone", "Ironclad Fitness", "Wildpath"),
        adjectives=("Adjustable", "Heavy-Duty", "Ultralight", "Foldable", "Non-Slip", "Insulated"),
        features=("with Carry Bag", "Weather Resistant", "for Home Gym", "2-Person", "Quick Setup"),
        attributes={
            "Colour": ("Black", "Orange", "Forest Green", "Blue", "Grey"),
            "Material": ("Aluminium", "Nylon", "Steel", "Neoprene", "Polyester"),
        },
        titles=("{brand} {adj} {noun}, {feature}", "{brand} {noun} ({Colour}), {feature}"),
    ),
    "garden": Family(
        brands=("Greenthumb", "Meadowbrook", "Terra Firma", "Fernwood", "Sunpatch"),
        adjectives=("Raised", "Self-Watering", "Solar-Powered", "Weatherproof", "Expandable"),
        features=("UV Resistant", "Rust-Proof", "Easy Assembly", "Set of 2", "Frost Resistant"),
        attributes={
            "Material": ("Galvanised steel", "Cedar wood", "Resin", "Terracotta"),
            "Colour": ("Green", "Black", "Natural", "Grey"),
        },
        titles=("{brand} {adj} {noun}, {feature}", "{brand} {noun}, {Material}, {feature}"),
    ),
    "tools": Family(
        brands=("Torqmaster", "Ironside Tools", "Forgeworks", "ProGrip", "Basics Co."),
        adjectives=("Cordless", "Brushless", "Heavy-Duty", "Compact", "Magnetic", "Professional"),
        features=(
            "20V Battery Included",
            "2-Speed",
            "with Carrying Case",
            "LED Work Light",
            "Lifetime Warranty",
        ),
        attributes={
            "Power source": ("Battery", "Corded electric", "Manual"),
            "Voltage": ("12 V", "18 V", "20 V", "n/a"),
        },
        titles=("{brand} {adj} {noun}, {feature}", "{brand} {Voltage} {adj} {noun} {feature}"),
        used_share=0.1,
    ),
    "automotive": Family(
        brands=("Roadline", "MotoMax", "Gearhead", "Autovista", "DriveRight"),
        adjectives=("Universal", "All-Weather", "Heavy-Duty", "Portable", "Magnetic"),
        features=("Fits Most Cars", "12V", "Easy Install", "with Storage Pouch", "LED Display"),
        attributes={
            "Vehicle type": ("Car", "SUV", "Truck", "Universal"),
            "Colour": ("Black", "Grey", "Beige"),
        },
        titles=("{brand} {adj} {noun}, {feature}", "{brand} {noun} for {Vehicle type}, {feature}"),
    ),
    "pets": Family(
        brands=("Happy Paws", "Whisker & Tail", "Barkley", "Petwell", "Furrever"),
        adjectives=("Orthopedic", "Chew-Resistant", "Automatic", "Washable", "Interactive"),
        features=("for Small Dogs", "for Large Dogs", "for Cats", "Non-Slip Base", "Easy to Clean"),
        attributes={"Pet type": ("Dog", "Cat", "Small animal"), "Size": ("Small", "Medium", "Large")},
        titles=("{brand} {adj} {noun} {feature}", "{brand} {noun}, {Size}, {feature}"),
        used_share=0.0,
    ),
    "grocery": Family(
        brands=("Harvest Table", "Good Grain", "Orchard Lane", "Daily Pantry", "Wild Acre"),
        adjectives=("Organic", "Gluten-Free", "Whole Bean", "Cold-Pressed", "Roasted", "Unsweetened"),
        features=("Pack of 6", "Pack of 12", "Family Size", "Non-GMO", "Fair Trade"),
        attributes={
            "Weight": ("8 oz", "12 oz", "1 lb", "2 lb", "500 g", "1 kg"),
            "Diet": ("Vegan", "Vegetarian", "Keto", "None"),
        },
        titles=("{brand} {adj} {noun}, {Weight}, {feature}", "{brand} {noun}, {adj} ({feature})"),
        used_share=0.0,
    ),
    "office": Family(
        brands=("Paperwise", "Deskmate", "Inkwell", "Officio", "Basics Co."),
        adjectives=("Refillable", "Heavy-Duty", "Ergonomic", "Recycled", "Quick-Dry"),
        features=("Pack of 12", "Pack of 50", "A4 / Letter", "Assorted Colours", "Smooth Writing"),
        attributes={
            "Colour": ("Black", "Blue", "Assorted", "White"),
            "Pack size": ("1", "6", "12", "24", "50"),
        },
        titles=("{brand} {adj} {noun}, {feature}", "{brand} {noun}, {Colour}, {feature}"),
    ),
    "baby": Family(
        brands=("Little Sprout", "Cuddlebug", "Bambino", "Nestling", "Snugglepod"),
        adjectives=("Soft", "Organic Cotton", "Convertible", "Lightweight", "Hypoallergenic"),
        features=("0-12 Months", "Newborn to Toddler", "Easy Fold", "BPA-Free", "Machine Washable"),
        attributes={
            "Age range": ("0-6 months", "6-12 months", "1-3 years"),
            "Colour": ("Grey", "Mint", "Blush", "White"),
        },
        titles=("{brand} {adj} {noun}, {feature}", "{brand} {noun} ({Colour}), {feature}"),
    ),
    "health": Family(
        brands=("Vitalis", "Clearwell", "Purevita", "Medisure", "Basics Co."),
        adjectives=("Digital", "Extra Strength", "Sugar-Free", "Rechargeable", "Clinically Tested"),
        features=("90 Count", "180 Count", "Fast Reading", "Travel Case Included", "1-Year Supply"),
        attributes={"Suitable for": ("Adults", "Adults and teens", "All ages"), "Pack size": ("1", "2", "3")},
        titles=("{brand} {adj} {noun}, {feature}", "{brand} {noun} ({adj})"),
        used_share=0.0,
    ),
    "jewelry": Family(
        brands=("Aurelia", "Silver Fern", "Opaline", "Maison Lune", "Gilded Sparrow"),
        adjectives=("Sterling Silver", "14K Gold-Plated", "Minimalist", "Vintage-Style", "Hypoallergenic"),
        features=("Gift Box Included", "Adjustable Chain", "Cubic Zirconia", "Freshwater Pearl"),
        attributes={
            "Metal": ("Sterling silver", "Gold-plated brass", "Stainless steel", "Rose gold-plated"),
            "Gemstone": ("None", "Cubic zirconia", "Pearl", "Opal"),
        },
        titles=("{brand} {adj} {noun}, {feature}", "{brand} {noun} in {Metal}"),
        used_share=0.03,
    ),
    "music": Family(
        brands=("Harmonix", "Cedar & String", "Resonance", "Bluenote Audio", "Maestro"),
        adjectives=("Beginner", "Professional", "Acoustic", "Electric", "Portable", "Solid Wood"),
        features=("with Gig Bag", "with Tuner", "Starter Kit", "88 Weighted Keys", "Includes Strings"),
        attributes={
            "Colour": ("Natural", "Sunburst", "Black", "White"),
            "Material": ("Spruce", "Mahogany", "Maple", "Plastic"),
        },
        titles=("{brand} {adj} {noun}, {feature}", "{brand} {noun} ({Colour}) {feature}"),
        used_share=0.15,
    ),
    "videogames": Family(
        brands=("Pixelcraft", "Nebula Games", "Arcadia", "Respawn Gear", "Joyforge"),
        adjectives=("Wireless", "RGB", "Pro", "Ergonomic", "Tournament"),
        features=(
            "for PC and Console",
            "Low Latency",
            "Rechargeable",
            "Hall-Effect Sticks",
            "Standard Edition",
        ),
        attributes={
            "Platform": ("PC", "PlayStation", "Xbox", "Switch", "Multi-platform"),
            "Colour": ("Black", "White", "Red"),
        },
        titles=("{brand} {adj} {noun}, {feature}", "{brand} {noun} for {Platform}, {feature}"),
        used_share=0.2,
    ),
    "crafts": Family(
        brands=("Crafty Fox", "Palette & Paper", "Stitchworks", "Makersmith", "Canvas Corner"),
        adjectives=("Artist-Grade", "Non-Toxic", "Assorted", "Premium", "Acid-Free"),
        features=("Set of 24", "Set of 48", "for Beginners", "Vibrant Colours", "with Storage Case"),
        attributes={
            "Pack size": ("12", "24", "36", "48", "72"),
            "Medium": ("Acrylic", "Watercolour", "Oil", "Graphite", "Yarn"),
        },
        titles=("{brand} {adj} {noun}, {feature}", "{brand} {noun}, {Pack size} Pieces"),
        used_share=0.0,
    ),
    "luggage": Family(
        brands=("Wanderlux", "Jetstream", "Nomad & Co.", "Carryall", "Voyager"),
        adjectives=("Hardside", "Expandable", "Lightweight", "Water-Resistant", "Anti-Theft"),
        features=("Spinner Wheels", "TSA Lock", "Laptop Sleeve", "Carry-On Size", "USB Charging Port"),
        attributes={
            "Colour": ("Black", "Navy", "Teal", "Silver", "Burgundy"),
            "Capacity": ("20 L", "35 L", "40 L", "65 L", "95 L"),
        },
        titles=("{brand} {adj} {noun} with {feature}, {Colour}", "{brand} {noun}, {Capacity}, {feature}"),
    ),
    "industrial": Family(
        brands=("Stratus Industrial", "Bolt & Beam", "Titan Supply", "Graniteworks", "Basics Co."),
        adjectives=("Industrial-Grade", "Heavy-Duty", "Corrosion-Resistant", "ANSI-Rated", "Reusable"),
        features=("Pack of 100", "Pack of 10", "High Visibility", "Chemical Resistant", "Load Rated 500 lb"),
        attributes={
            "Material": ("Nitrile", "Zinc-plated steel", "Polypropylene", "Stainless steel"),
            "Pack size": ("1", "10", "50", "100"),
        },
        titles=("{brand} {adj} {noun}, {feature}", "{brand} {noun}, {Material}, {feature}"),
    ),
    "camera": Family(
        brands=("Optiva", "Lumina Optics", "Shutterline", "Focal Point", "Aperture Co."),
        adjectives=("Mirrorless", "Compact", "Weather-Sealed", "Professional", "Travel"),
        features=("4K Video", "24MP Sensor", "Image Stabilisation", "with 64 GB Card", "Carbon Fibre"),
        attributes={
            "Resolution": ("20 MP", "24 MP", "33 MP", "45 MP", "n/a"),
            "Mount": ("Universal", "E-mount", "RF-mount", "Z-mount"),
        },
        titles=("{brand} {adj} {noun}, {feature}", "{brand} {noun} {Resolution}, {feature}"),
        used_share=0.2,
    ),
    "phones": Family(
        brands=("Nova Mobile", "Cellara", "Orbit", "Zentro", "Basics Co."),
        adjectives=("Unlocked", "Shockproof", "Fast-Charging", "Slim", "MagSafe-Compatible"),
        features=("128 GB", "256 GB", "Dual SIM", "5G", "Tempered Glass", "20W"),
        attributes={
            "Colour": ("Midnight", "Starlight", "Blue", "Green", "Black"),
            "Storage": ("64 GB", "128 GB", "256 GB", "512 GB"),
        },
        titles=("{brand} {adj} {noun}, {feature}, {Colour}", "{brand} {noun} {Storage} ({Colour})"),
        used_share=0.25,
    ),
    "appliances": Family(
        brands=("Frostline", "Homewell", "Breezemaster", "Kelvin", "Pureflow"),
        adjectives=("Energy Star", "Quiet", "Compact", "Smart", "Stainless Steel", "Portable"),
        features=("Wi-Fi Enabled", "Low Noise", "Auto Shut-Off", "Large Capacity", "5-Year Warranty"),
        attributes={
            "Capacity": ("1.7 cu ft", "3.1 cu ft", "4.5 cu ft", "8 kg", "10 kg", "n/a"),
            "Colour": ("Stainless steel", "White", "Black"),
        },
        titles=("{brand} {adj} {noun}, {feature}", "{brand} {noun}, {Capacity}, {Colour}"),
        used_share=0.1,
    ),
    "movies": Family(
        brands=("Silverscreen Home", "Reel Classics", "Starlight Pictures", "Northlight Films"),
        adjectives=(),
        features=(),
        attributes={
            "Format": ("Blu-ray", "DVD", "4K UHD", "Blu-ray + Digital"),
            "Rating": ("PG", "PG-13", "R", "G"),
        },
        titles=("{movie} [{Format}]",),
        used_share=0.3,
    ),
    "software": Family(
        brands=("Codewell", "Brightside Software", "Ledgerly", "Shieldware", "Pixelmint"),
        adjectives=("Home", "Professional", "Business", "Family", "Student"),
        features=("1 Year, 3 Devices", "Lifetime License", "Digital Download", "PC/Mac", "5 Users"),
        attributes={"Platform": ("Windows", "macOS", "Windows / macOS"), "License": ("1 year", "Perpetual")},
        titles=("{brand} {noun} {adj} Edition, {feature}",),
        used_share=0.0,
    ),
    "handmade": Family(
        brands=(
            "Wild Clay Studio",
            "Loom & Leaf",
            "Oak Hollow Makers",
            "Ember Candle Co.",
            "Tidewater Crafts",
        ),
        adjectives=("Hand-Thrown", "Hand-Poured", "Hand-Stitched", "Personalised", "Reclaimed Wood"),
        features=("Made to Order", "Gift Ready", "Small Batch", "Natural Dyes", "One of a Kind"),
        attributes={
            "Material": ("Stoneware", "Soy wax", "Linen", "Walnut", "Leather"),
            "Colour": SOFT_COLOURS,
        },
        titles=("{adj} {noun}, {feature} - {brand}", "{brand} {adj} {noun} ({Colour})"),
        used_share=0.0,
    ),
    "watches": Family(
        brands=("Chronara", "Meridian Time", "Tidewatch", "Axis & Hour", "Basics Co."),
        adjectives=("Automatic", "Solar", "Minimalist", "Dive", "Chronograph", "Smart"),
        features=("Sapphire Crystal", "100m Water Resistant", "Leather Strap", "Heart Rate Monitor", "GPS"),
        attributes={
            "Case size": ("36 mm", "40 mm", "42 mm", "44 mm"),
            "Strap": ("Leather", "Stainless steel", "Silicone", "Nylon"),
        },
        titles=(
            "{brand} {adj} {noun}, {Case size}, {feature}",
            "{brand} {noun} with {Strap} Strap, {feature}",
        ),
        used_share=0.1,
    ),
}


def _s(name, nouns, price, weight=(200, 2000)):
    return Sub(name, tuple(nouns), price, weight)


TOP_CATEGORIES: tuple[Top, ...] = (
    Top(
        "Electronics",
        "electronics",
        (
            _s(
                "Headphones",
                ["Headphones", "Earbuds", "Over-Ear Headphones", "Sports Earphones"],
                (19, 349),
                (30, 350),
            ),
            _s(
                "Speakers",
                ["Bluetooth Speaker", "Smart Speaker", "Soundbar", "Bookshelf Speakers"],
                (25, 499),
            ),
            _s(
                "Televisions",
                ["4K Smart TV", "OLED TV", "QLED TV", "Portable Monitor"],
                (149, 1999),
                (4000, 25000),
            ),
            _s("Wearable Tech", ["Fitness Tracker", "Smart Ring", "Sleep Tracker"], (29, 299), (20, 120)),
            _s(
                "Power & Charging",
                ["Power Bank", "Wall Charger", "Charging Station", "Wireless Charger"],
                (12, 119),
                (60, 600),
            ),
        ),
        (("#1e3a8a", "#60a5fa"), ("#111827", "#6b7280"), ("#0f766e", "#5eead4")),
    ),
    Top(
        "Computers",
        "computers",
        (
            _s("Laptops", ["Laptop", "Notebook", "2-in-1 Laptop", "Chromebook"], (279, 2499), (1100, 2800)),
            _s("Monitors", ["Monitor", "Curved Monitor", "Ultrawide Monitor"], (119, 1299), (3000, 9000)),
            _s(
                "Keyboards & Mice",
                ["Keyboard", "Wireless Mouse", "Keyboard and Mouse Combo", "Trackball"],
                (15, 199),
                (80, 1200),
            ),
            _s(
                "Storage",
                ["External SSD", "Portable Hard Drive", "USB Flash Drive", "NAS Enclosure"],
                (9, 599),
                (20, 1500),
            ),
            _s(
                "Networking",
                ["Wi-Fi 6 Router", "Mesh Wi-Fi System", "Network Switch", "USB-C Hub"],
                (19, 449),
            ),
        ),
        (("#312e81", "#a5b4fc"), ("#1f2937", "#9ca3af"), ("#164e63", "#67e8f9")),
    ),
    Top(
        "Home & Kitchen",
        "home",
        (
            _s(
                "Cookware",
                ["Frying Pan", "Saucepan", "Dutch Oven", "Cookware Set", "Stock Pot"],
                (19, 399),
                (800, 7000),
            ),
            _s(
                "Kitchen Utensils",
                ["Chef's Knife", "Knife Block Set", "Cutting Board", "Utensil Set"],
                (9, 249),
            ),
            _s(
                "Bedding",
                ["Duvet Cover Set", "Sheet Set", "Pillow", "Weighted Blanket"],
                (19, 199),
                (500, 7000),
            ),
            _s("Home Decor", ["Table Lamp", "Wall Mirror", "Throw Blanket", "Vase"], (15, 249)),
            _s(
                "Storage & Organisation",
                ["Storage Bins", "Food Storage Containers", "Drawer Organiser", "Shoe Rack"],
                (12, 129),
            ),
        ),
        (("#7c2d12", "#fdba74"), ("#365314", "#bef264"), ("#78350f", "#fcd34d")),
    ),
    Top(
        "Books",
        "books",
        (
            _s("Fiction", ["Novel"], (9, 32), (250, 900)),
            _s("Mystery & Thriller", ["Thriller"], (9, 29), (250, 800)),
            _s("Science Fiction & Fantasy", ["Fantasy"], (9, 35), (250, 1100)),
            _s("Cookbooks", ["Cookbook"], (15, 45), (600, 1600)),
            _s("Biographies", ["Biography"], (12, 38), (400, 1100)),
            _s("Children's Books", ["Picture Book"], (6, 20), (150, 600)),
        ),
        (("#44403c", "#d6d3d1"), ("#7f1d1d", "#fca5a5"), ("#1e3a8a", "#bfdbfe")),
    ),
    Top(
        "Toys & Games",
        "toys",
        (
            _s("Building Toys", ["Building Blocks Set", "Marble Run", "Construction Kit"], (14, 149)),
            _s(
                "Board Games",
                ["Strategy Board Game", "Family Card Game", "Jigsaw Puzzle", "Party Game"],
                (9, 69),
            ),
            _s("Dolls & Figures", ["Doll House", "Action Figure Set", "Plush Bear"], (9, 129)),
            _s("Outdoor Play", ["Kick Scooter", "Water Blaster", "Kite", "Swing Set"], (12, 249)),
        ),
        (("#be185d", "#f9a8d4"), ("#a16207", "#fde047"), ("#15803d", "#86efac")),
    ),
    Top(
        "Clothing",
        "apparel",
        (
            _s(
                "T-Shirts",
                ["Crew Neck T-Shirt", "V-Neck T-Shirt", "Long Sleeve Tee", "Polo Shirt"],
                (9, 49),
                (120, 300),
            ),
            _s(
                "Jackets & Coats",
                ["Puffer Jacket", "Rain Jacket", "Denim Jacket", "Fleece Jacket"],
                (39, 249),
                (400, 1500),
            ),
            _s(
                "Jeans & Trousers",
                ["Straight-Leg Jeans", "Chinos", "Joggers", "Cargo Trousers"],
                (24, 119),
                (300, 800),
            ),
            _s("Dresses", ["Wrap Dress", "Midi Dress", "Shirt Dress"], (24, 139), (200, 600)),
            _s(
                "Activewear",
                ["Running Shorts", "Yoga Leggings", "Training Hoodie", "Sports Bra"],
                (14, 89),
                (100, 600),
            ),
        ),
        (("#4c1d95", "#c4b5fd"), ("#0c4a6e", "#7dd3fc"), ("#831843", "#f9a8d4")),
    ),
    Top(
        "Shoes",
        "shoes",
        (
            _s("Running Shoes", ["Running Shoes", "Trail Running Shoes"], (49, 189), (500, 900)),
            _s("Boots", ["Chelsea Boots", "Hiking Boots", "Work Boots"], (59, 249), (900, 1800)),
            _s(
                "Sneakers",
                ["Canvas Sneakers", "Leather Sneakers", "Slip-On Sneakers"],
                (39, 149),
                (500, 1000),
            ),
            _s("Sandals", ["Slide Sandals", "Sport Sandals", "Flip-Flops"], (15, 99), (200, 600)),
        ),
        (("#292524", "#a8a29e"), ("#9a3412", "#fdba74"), ("#1e40af", "#93c5fd")),
    ),
    Top(
        "Beauty",
        "beauty",
        (
            _s("Skin Care", ["Face Moisturiser", "Serum", "Cleanser", "Eye Cream"], (8, 89), (50, 400)),
            _s("Hair Care", ["Shampoo", "Conditioner", "Hair Oil", "Hair Mask"], (6, 49), (100, 700)),
            _s("Makeup", ["Foundation", "Mascara", "Lip Tint", "Setting Spray"], (6, 59), (20, 200)),
            _s("Fragrance", ["Eau de Parfum", "Body Mist", "Cologne"], (19, 149), (100, 500)),
        ),
        (("#9d174d", "#fbcfe8"), ("#6b21a8", "#e9d5ff"), ("#b45309", "#fde68a")),
    ),
    Top(
        "Sports & Outdoors",
        "sports",
        (
            _s("Camping", ["Dome Tent", "Sleeping Bag", "Camping Stove", "Headlamp"], (15, 399), (200, 6000)),
            _s(
                "Fitness",
                ["Dumbbell Set", "Yoga Mat", "Resistance Bands", "Kettlebell"],
                (12, 299),
                (300, 20000),
            ),
            _s("Cycling", ["Bike Helmet", "Bike Light Set", "Bike Lock", "Cycling Gloves"], (12, 159)),
            _s("Water Sports", ["Inflatable Kayak", "Snorkel Set", "Dry Bag", "Paddle Board"], (15, 599)),
        ),
        (("#14532d", "#4ade80"), ("#1e3a8a", "#38bdf8"), ("#7c2d12", "#fb923c")),
    ),
    Top(
        "Garden",
        "garden",
        (
            _s("Planters", ["Raised Garden Bed", "Planter Box", "Hanging Basket"], (15, 199), (500, 15000)),
            _s("Watering", ["Garden Hose", "Hose Reel", "Sprinkler", "Watering Can"], (9, 129)),
            _s("Outdoor Lighting", ["Solar Path Lights", "String Lights", "Flood Light"], (15, 149)),
            _s("Garden Tools", ["Pruning Shears", "Garden Trowel Set", "Leaf Rake", "Wheelbarrow"], (9, 189)),
        ),
        (("#166534", "#bbf7d0"), ("#3f6212", "#d9f99d"), ("#065f46", "#6ee7b7")),
    ),
    Top(
        "Tools",
        "tools",
        (
            _s(
                "Power Tools",
                ["Drill Driver", "Impact Driver", "Circular Saw", "Random Orbit Sander"],
                (39, 349),
                (1000, 4000),
            ),
            _s("Hand Tools", ["Screwdriver Set", "Socket Set", "Claw Hammer", "Adjustable Wrench"], (9, 149)),
            _s("Measuring", ["Laser Level", "Tape Measure", "Stud Finder", "Digital Caliper"], (9, 129)),
            _s("Tool Storage", ["Tool Box", "Rolling Tool Chest", "Tool Bag"], (19, 399)),
        ),
        (("#b45309", "#fcd34d"), ("#1f2937", "#f59e0b"), ("#991b1b", "#fca5a5")),
    ),
    Top(
        "Automotive",
        "automotive",
        (
            _s(
                "Car Electronics", ["Dash Cam", "Car Phone Mount", "Tyre Inflator", "Jump Starter"], (15, 199)
            ),
            _s("Car Care", ["Car Wash Kit", "Microfibre Towels", "Ceramic Coating Spray"], (9, 79)),
            _s(
                "Interior Accessories",
                ["Seat Covers", "Floor Mats", "Trunk Organiser", "Sun Shade"],
                (12, 129),
            ),
        ),
        (("#0f172a", "#64748b"), ("#7f1d1d", "#ef4444"), ("#1e3a8a", "#3b82f6")),
    ),
    Top(
        "Pet Supplies",
        "pets",
        (
            _s("Dogs", ["Dog Bed", "Dog Harness", "Chew Toy", "Dog Food Bowl"], (8, 149)),
            _s("Cats", ["Cat Tree", "Cat Litter Box", "Scratching Post", "Cat Water Fountain"], (9, 199)),
            _s("Fish & Aquatic", ["Aquarium Kit", "Aquarium Filter", "Aquarium Heater"], (12, 199)),
        ),
        (("#92400e", "#fde68a"), ("#115e59", "#99f6e4"), ("#7c2d12", "#fed7aa")),
    ),
    Top(
        "Grocery",
        "grocery",
        (
            _s(
                "Coffee & Tea",
                ["Coffee Beans", "Ground Coffee", "Green Tea", "Chai Tea Bags"],
                (5, 39),
                (200, 1200),
            ),
            _s(
                "Snacks",
                ["Trail Mix", "Protein Bars", "Dark Chocolate", "Rice Crackers"],
                (4, 29),
                (100, 1500),
            ),
            _s(
                "Pantry Staples", ["Olive Oil", "Pasta", "Maple Syrup", "Peanut Butter"], (4, 35), (300, 2000)
            ),
        ),
        (("#713f12", "#fde68a"), ("#365314", "#d9f99d"), ("#7c2d12", "#fdba74")),
    ),
    Top(
        "Office Products",
        "office",
        (
            _s(
                "Writing Supplies",
                ["Gel Pens", "Fountain Pen", "Highlighters", "Mechanical Pencils"],
                (4, 69),
                (20, 400),
            ),
            _s("Paper", ["Notebook", "Sticky Notes", "Copy Paper", "Planner"], (4, 49), (100, 2500)),
            _s(
                "Office Furniture",
                ["Office Chair", "Standing Desk", "Monitor Stand", "Footrest"],
                (19, 599),
                (1000, 30000),
            ),
            _s("Desk Accessories", ["Desk Organiser", "Label Maker", "Paper Shredder", "Stapler"], (7, 149)),
        ),
        (("#1e3a8a", "#e0e7ff"), ("#374151", "#e5e7eb"), ("#0f766e", "#ccfbf1")),
    ),
    Top(
        "Baby",
        "baby",
        (
            _s("Nursery", ["Crib Sheet Set", "Baby Monitor", "Night Light", "Swaddle Blankets"], (12, 199)),
            _s("Feeding", ["Baby Bottles", "High Chair", "Bottle Warmer", "Bibs"], (8, 179)),
            _s(
                "Strollers & Car Seats",
                ["Stroller", "Convertible Car Seat", "Baby Carrier"],
                (49, 499),
                (1500, 12000),
            ),
        ),
        (("#0e7490", "#cffafe"), ("#be185d", "#fce7f3"), ("#a16207", "#fef9c3")),
    ),
    Top(
        "Health & Household",
        "health",
        (
            _s(
                "Vitamins",
                ["Multivitamin", "Vitamin D3", "Omega-3 Fish Oil", "Magnesium"],
                (7, 49),
                (80, 400),
            ),
            _s("Medical Devices", ["Blood Pressure Monitor", "Thermometer", "Pulse Oximeter"], (12, 89)),
            _s(
                "Personal Care",
                ["Electric Toothbrush", "Water Flosser", "Electric Shaver", "Hair Trimmer"],
                (19, 199),
            ),
        ),
        (("#065f46", "#a7f3d0"), ("#1e40af", "#dbeafe"), ("#9f1239", "#ffe4e6")),
    ),
    Top(
        "Jewelry",
        "jewelry",
        (
            _s("Necklaces", ["Pendant Necklace", "Chain Necklace", "Locket"], (15, 299), (10, 80)),
            _s("Earrings", ["Stud Earrings", "Hoop Earrings", "Drop Earrings"], (12, 199), (5, 40)),
            _s("Bracelets", ["Bangle", "Charm Bracelet", "Tennis Bracelet"], (15, 249), (10, 80)),
            _s("Rings", ["Stacking Ring", "Signet Ring", "Band Ring"], (15, 299), (5, 30)),
        ),
        (("#713f12", "#fde047"), ("#4b5563", "#f3f4f6"), ("#831843", "#fbcfe8")),
    ),
    Top(
        "Musical Instruments",
        "music",
        (
            _s(
                "Guitars",
                ["Acoustic Guitar", "Electric Guitar", "Classical Guitar", "Ukulele"],
                (49, 999),
                (800, 4000),
            ),
            _s(
                "Keyboards & Pianos",
                ["Digital Piano", "Portable Keyboard", "MIDI Controller"],
                (59, 1299),
                (1500, 20000),
            ),
            _s("Drums & Percussion", ["Cajon", "Electronic Drum Kit", "Drumsticks"], (9, 899)),
            _s(
                "Studio Recording",
                ["USB Microphone", "Audio Interface", "Studio Monitors", "Pop Filter"],
                (12, 499),
            ),
        ),
        (("#78350f", "#fcd34d"), ("#18181b", "#a1a1aa"), ("#7f1d1d", "#fda4af")),
    ),
    Top(
        "Video Games",
        "videogames",
        (
            _s("Controllers", ["Wireless Controller", "Arcade Stick", "Racing Wheel"], (24, 349)),
            _s("Gaming Headsets", ["Gaming Headset", "Wireless Gaming Headset"], (29, 249), (200, 450)),
            _s(
                "Gaming Accessories",
                ["Charging Dock", "Carrying Case", "Gaming Mouse Pad", "Capture Card"],
                (9, 199),
            ),
        ),
        (("#4c1d95", "#22d3ee"), ("#111827", "#ef4444"), ("#1e1b4b", "#a855f7")),
    ),
    Top(
        "Arts & Crafts",
        "crafts",
        (
            _s("Painting", ["Acrylic Paint Set", "Watercolour Set", "Canvas Panels", "Brush Set"], (8, 89)),
            _s("Drawing", ["Sketch Pencils", "Coloured Pencils", "Sketchbook", "Alcohol Markers"], (6, 79)),
            _s(
                "Knitting & Sewing",
                ["Yarn Bundle", "Knitting Needle Set", "Sewing Kit", "Embroidery Kit"],
                (8, 69),
            ),
        ),
        (("#be123c", "#fde68a"), ("#0369a1", "#fbcfe8"), ("#4d7c0f", "#fef08a")),
    ),
    Top(
        "Luggage & Travel",
        "luggage",
        (
            _s(
                "Suitcases", ["Carry-On Suitcase", "Checked Suitcase", "Luggage Set"], (59, 499), (2500, 7000)
            ),
            _s("Backpacks", ["Travel Backpack", "Laptop Backpack", "Daypack"], (25, 199), (500, 1800)),
            _s(
                "Travel Accessories",
                ["Packing Cubes", "Travel Pillow", "Luggage Tags", "Travel Adapter"],
                (7, 49),
                (50, 500),
            ),
        ),
        (("#134e4a", "#5eead4"), ("#1e293b", "#94a3b8"), ("#7c2d12", "#fdba74")),
    ),
    Top(
        "Industrial & Scientific",
        "industrial",
        (
            _s(
                "Safety Equipment", ["Nitrile Gloves", "Safety Glasses", "Ear Defenders", "Hard Hat"], (7, 89)
            ),
            _s("Fasteners", ["Hex Bolt Assortment", "Wood Screw Kit", "Anchor Kit"], (6, 59)),
            _s("Lab Supplies", ["Digital Scale", "Beaker Set", "pH Meter", "Magnetic Stirrer"], (12, 299)),
        ),
        (("#854d0e", "#fde047"), ("#334155", "#cbd5e1"), ("#075985", "#bae6fd")),
    ),
    Top(
        "Camera & Photo",
        "camera",
        (
            _s(
                "Cameras",
                ["Mirrorless Camera", "Action Camera", "Instant Camera", "Compact Camera"],
                (69, 2499),
                (150, 1200),
            ),
            _s("Lenses", ["Prime Lens 50mm", "Zoom Lens 24-70mm", "Macro Lens"], (149, 1999), (200, 1100)),
            _s("Tripods & Supports", ["Travel Tripod", "Gimbal Stabiliser", "Monopod"], (19, 349)),
            _s("Lighting", ["Ring Light", "LED Panel Light", "Softbox Kit"], (19, 249)),
        ),
        (("#0f172a", "#94a3b8"), ("#3f3f46", "#fafafa"), ("#1e3a8a", "#fde68a")),
    ),
    Top(
        "Cell Phones & Accessories",
        "phones",
        (
            _s("Smartphones", ["Smartphone", "Rugged Phone", "Flip Phone"], (129, 1199), (150, 260)),
            _s("Cases", ["Phone Case", "Wallet Case", "Clear Case"], (8, 49), (30, 120)),
            _s("Screen Protectors", ["Screen Protector", "Privacy Screen Protector"], (6, 29), (10, 60)),
            _s("Chargers & Cables", ["USB-C Cable", "Car Charger", "Fast Charger"], (7, 49), (30, 200)),
        ),
        (("#1e1b4b", "#818cf8"), ("#111827", "#34d399"), ("#7e22ce", "#f0abfc")),
    ),
    Top(
        "Appliances",
        "appliances",
        (
            _s(
                "Small Kitchen Appliances",
                ["Air Fryer", "Espresso Machine", "Blender", "Electric Kettle", "Toaster"],
                (25, 699),
                (1000, 9000),
            ),
            _s("Refrigerators", ["Mini Fridge", "Wine Cooler", "Chest Freezer"], (149, 1299), (15000, 60000)),
            _s("Laundry", ["Washing Machine", "Tumble Dryer", "Garment Steamer"], (29, 1199), (1500, 80000)),
            _s(
                "Heating & Cooling",
                ["Tower Fan", "Space Heater", "Dehumidifier", "Air Purifier"],
                (29, 399),
                (1500, 15000),
            ),
        ),
        (("#334155", "#e2e8f0"), ("#0c4a6e", "#e0f2fe"), ("#3f3f46", "#d4d4d8")),
    ),
    Top(
        "Movies & TV",
        "movies",
        (
            _s("Drama", ["Film"], (7, 29), (80, 250)),
            _s("Action & Adventure", ["Film"], (7, 29), (80, 250)),
            _s("Documentary", ["Film"], (7, 29), (80, 250)),
            _s("TV Series", ["Complete Series"], (19, 89), (150, 900)),
        ),
        (("#18181b", "#f43f5e"), ("#1c1917", "#fbbf24"), ("#172554", "#60a5fa")),
    ),
    Top(
        "Software",
        "software",
        (
            _s("Security", ["Antivirus", "Password Manager", "VPN"], (19, 99), (20, 100)),
            _s("Productivity", ["Office Suite", "Note-Taking App", "PDF Editor"], (29, 249), (20, 100)),
            _s("Photo & Video", ["Photo Editor", "Video Editor", "Design Studio"], (39, 299), (20, 100)),
            _s("Finance", ["Tax Software", "Personal Finance Manager"], (29, 129), (20, 100)),
        ),
        (("#0f766e", "#99f6e4"), ("#312e81", "#c7d2fe"), ("#166534", "#bbf7d0")),
    ),
    Top(
        "Handmade",
        "handmade",
        (
            _s("Pottery", ["Coffee Mug", "Serving Bowl", "Bud Vase", "Plant Pot"], (18, 120), (250, 1500)),
            _s("Candles", ["Scented Candle", "Beeswax Taper Candles", "Candle Set"], (12, 59), (150, 900)),
            _s("Textiles", ["Linen Tea Towels", "Macrame Wall Hanging", "Woven Throw"], (15, 149)),
            _s("Woodwork", ["Serving Board", "Wooden Spoon Set", "Jewellery Box"], (18, 149)),
        ),
        (("#7c2d12", "#fed7aa"), ("#57534e", "#e7e5e4"), ("#365314", "#ecfccb")),
    ),
    Top(
        "Watches",
        "watches",
        (
            _s("Men's Watches", ["Field Watch", "Dive Watch", "Dress Watch"], (49, 899), (60, 200)),
            _s(
                "Women's Watches",
                ["Mesh Strap Watch", "Bracelet Watch", "Classic Watch"],
                (39, 699),
                (40, 150),
            ),
            _s("Smartwatches", ["Smartwatch", "GPS Running Watch", "Hybrid Smartwatch"], (79, 499), (30, 80)),
        ),
        (("#1c1917", "#d6d3d1"), ("#172554", "#93c5fd"), ("#713f12", "#fde68a")),
    ),
)

# Books and films get invented titles from these parts.
BOOK_WORDS_A = (
    "The Silent",
    "The Last",
    "A Quiet",
    "The Hidden",
    "The Northern",
    "The Glass",
    "Winter's",
    "The Lost",
    "Beneath the",
    "The Midnight",
    "The Salt",
    "A Thousand",
    "The Paper",
    "The Summer",
)
BOOK_WORDS_B = (
    "Harbour",
    "Garden",
    "Orchard",
    "Lighthouse",
    "Kingdom",
    "Letters",
    "River",
    "Cartographer",
    "Archive",
    "Island",
    "Machine",
    "Tide",
    "Promise",
    "Station",
    "Daughters",
    "Library",
)
COOKBOOK_TITLES = (
    "Weeknight {x}: 100 Simple Recipes",
    "The {x} Kitchen",
    "Slow Sundays: {x} Cooking at Home",
    "Fresh and Fast: {x} Meals in 30 Minutes",
)
COOKBOOK_X = ("Mediterranean", "Plant-Based", "One-Pan", "Family", "Baking", "Noodle", "Grill", "Harvest")
FIRST_NAMES = (
    "Amelia",
    "Jonah",
    "Priya",
    "Mateo",
    "Clara",
    "Henrik",
    "Nadia",
    "Theo",
    "Sofia",
    "Marcus",
    "Elena",
    "Samuel",
    "Ingrid",
    "Tomas",
    "Leah",
    "Ravi",
    "Chloe",
    "Oliver",
    "Hana",
    "Lucas",
)
LAST_NAMES = (
    "Whitfield",
    "Moreau",
    "Okafor",
    "Lindqvist",
    "Castellano",
    "Hartley",
    "Novak",
    "Brennan",
    "Achterberg",
    "Delacroix",
    "Marsh",
    "Sato",
    "Valdez",
    "Kowalski",
    "Ashworth",
    "Ferreira",
)
FILM_WORDS_A = (
    "Edge of",
    "Return to",
    "The Long",
    "Beyond the",
    "Midnight in",
    "The Great",
    "Echoes of",
    "Under the",
    "Storm over",
)
FILM_WORDS_B = (
    "Horizon",
    "Arcadia",
    "Valley",
    "Frontier",
    "Silence",
    "Skyline",
    "Coastline",
    "Empire",
    "Summit",
)

DESCRIPTION_OPENERS = (
    "Designed for everyday use, the {title} balances performance and value.",
    "Meet the {title}: a {adj_lower} {noun_lower} made to last.",
    "The {title} is one of {brand}'s most popular {noun_lower} designs.",
    "Built by {brand}, this {noun_lower} is made for people who want it to just work.",
)
DESCRIPTION_MIDDLES = (
    "Reviewers praise its build quality and thoughtful details.",
    "Every unit is checked before it leaves the factory.",
    "It arrives ready to use, with clear instructions in the box.",
    "The design has been refined over several generations based on customer feedback.",
    "A compact footprint means it fits easily wherever you need it.",
    "Materials were chosen to be durable and easy to care for.",
)
DESCRIPTION_CLOSERS = (
    "Backed by {brand}'s customer support team.",
    "Makes a thoughtful gift.",
    "Compare offers from several sellers and choose the delivery that suits you.",
    "Check the specifications below to find the right fit for you.",
)
BOOK_BLURBS = (
    "A sweeping story of family, memory and the choices that shape a life.",
    "Gripping from the first page to the last, with a twist few readers will see coming.",
    "An unforgettable journey across a world on the brink of change.",
    "Warm, witty and wise: the perfect companion for a long weekend.",
    "A meticulously researched portrait told with a novelist's eye.",
)

IMAGE_VIEWS = ("front view", "side view", "detail view")

# (name, description, country, status). Ratings and warehouses come from
# the generator; statuses are fixed here so the mix is always the same.
SELLERS: tuple[tuple[str, str, str, str], ...] = (
    ("Brightway Electronics", "Consumer electronics and accessories, shipped fast.", "US", "approved"),
    ("Northern Goods Co.", "Everyday essentials for home and outdoors.", "US", "approved"),
    ("Maple & Main", "Home, kitchen and garden, curated by a family team.", "US", "approved"),
    ("Harbourside Books", "Independent bookshop selling new and used books.", "GB", "approved"),
    ("Pixel Pioneers", "Video games, consoles and gaming gear.", "US", "approved"),
    ("Trailblazer Outfitters", "Camping, hiking and fitness equipment.", "US", "approved"),
    ("Stitch & Style", "Clothing and shoes from independent labels.", "US", "approved"),
    ("Rheinland Handel GmbH", "Tools, hardware and industrial supplies.", "DE", "approved"),
    ("Lumen Home Supply", "Lighting, decor and storage solutions.", "US", "approved"),
    ("Petal & Paw", "Pet supplies and garden favourites.", "US", "approved"),
    ("Kindred Kids", "Toys, baby gear and children's books.", "US", "approved"),
    ("Atelier Lumière", "Beauty, fragrance and jewellery.", "FR", "approved"),
    ("Gadget Depot", "Discount electronics, renewed devices and cables.", "US", "approved"),
    ("Coastline Trading", "General merchandise at everyday low prices.", "US", "approved"),
    ("Summit Sports Supply", "Sports equipment for teams and individuals.", "US", "approved"),
    ("Olde Town Music", "Musical instruments and studio gear since 1998.", "US", "approved"),
    ("Nordic Living AB", "Scandinavian homeware and appliances.", "SE", "approved"),
    ("Fresh Pantry Direct", "Coffee, tea and pantry staples.", "US", "approved"),
    ("Iberia Market", "Home goods, crafts and handmade items from Spain.", "ES", "approved"),
    ("Canal Street Cameras", "Cameras, lenses and photo accessories.", "NL", "approved"),
    ("Apex Office Supply", "Office furniture, paper and desk accessories.", "US", "approved"),
    ("Timekeepers", "Watches, straps and smartwatches.", "IT", "approved"),
    ("Roadside Auto Parts", "Car accessories and care products.", "US", "approved"),
    ("Renewed Tech Outlet", "Certified renewed phones, laptops and tablets.", "US", "approved"),
    ("Wild Clay Collective", "Handmade pottery, candles and textiles.", "US", "approved"),
    ("Bluebird Bargains", "Closeouts and overstock deals.", "US", "suspended"),
    ("Quickship Wholesale", "Bulk household goods.", "US", "suspended"),
    ("Polar Outdoor Gear", "Cold-weather clothing and equipment.", "CA", "applied"),
    ("Verde Organics", "Organic groceries and health products.", "US", "applied"),
    ("Crescent Crafts", "Art supplies and craft kits.", "GB", "applied"),
)

# What each seller mostly sells (families); sellers not listed sell anything.
SELLER_FOCUS: dict[str, tuple[str, ...]] = {
    "Brightway Electronics": ("electronics", "computers", "phones", "camera", "videogames"),
    "Maple & Main": ("home", "garden", "appliances", "handmade"),
    "Harbourside Books": ("books", "movies"),
    "Pixel Pioneers": ("videogames", "computers", "software"),
    "Trailblazer Outfitters": ("sports", "shoes", "luggage", "apparel"),
    "Stitch & Style": ("apparel", "shoes", "jewelry", "watches"),
    "Rheinland Handel GmbH": ("tools", "industrial", "automotive"),
    "Lumen Home Supply": ("home", "office", "garden"),
    "Petal & Paw": ("pets", "garden"),
    "Kindred Kids": ("toys", "baby", "books", "crafts"),
    "Atelier Lumière": ("beauty", "jewelry", "watches", "health"),
    "Gadget Depot": ("electronics", "phones", "computers"),
    "Summit Sports Supply": ("sports", "shoes", "apparel"),
    "Olde Town Music": ("music", "movies"),
    "Nordic Living AB": ("home", "appliances"),
    "Fresh Pantry Direct": ("grocery", "health"),
    "Iberia Market": ("handmade", "crafts", "home"),
    "Canal Street Cameras": ("camera", "electronics"),
    "Apex Office Supply": ("office", "computers", "software"),
    "Timekeepers": ("watches", "jewelry"),
    "Roadside Auto Parts": ("automotive", "tools"),
    "Renewed Tech Outlet": ("phones", "computers", "camera", "electronics"),
    "Wild Clay Collective": ("handmade", "crafts"),
}

# Real cities with their coordinates: (city, region, postal code, country, latitude, longitude).
CITIES: tuple[tuple[str, str, str, str, str, str], ...] = (
    ("Reno", "NV", "89502", "US", "39.529600", "-119.813800"),
    ("Columbus", "OH", "43215", "US", "39.961200", "-82.998800"),
    ("Dallas", "TX", "75201", "US", "32.776700", "-96.797000"),
    ("Atlanta", "GA", "30303", "US", "33.749000", "-84.388000"),
    ("Newark", "NJ", "07102", "US", "40.735700", "-74.172400"),
    ("Ontario", "CA", "91761", "US", "34.063300", "-117.650900"),
    ("Seattle", "WA", "98101", "US", "47.606200", "-122.332100"),
    ("Chicago", "IL", "60601", "US", "41.878100", "-87.629800"),
    ("Denver", "CO", "80202", "US", "39.739200", "-104.990300"),
    ("Memphis", "TN", "38103", "US", "35.149500", "-90.049000"),
    ("Phoenix", "AZ", "85004", "US", "33.448400", "-112.074000"),
    ("Indianapolis", "IN", "46204", "US", "39.768400", "-86.158100"),
    ("Louisville", "KY", "40202", "US", "38.252700", "-85.758500"),
    ("Salt Lake City", "UT", "84101", "US", "40.760800", "-111.891000"),
    ("Jacksonville", "FL", "32202", "US", "30.332200", "-81.655700"),
    ("Allentown", "PA", "18101", "US", "40.608400", "-75.490200"),
    ("Portland", "OR", "97204", "US", "45.515200", "-122.678400"),
    ("Minneapolis", "MN", "55401", "US", "44.977800", "-93.265000"),
    ("Toronto", "ON", "M5H 2N2", "CA", "43.653200", "-79.383200"),
    ("London", "", "E14 5AB", "GB", "51.507400", "-0.127800"),
    ("Manchester", "", "M1 1AE", "GB", "53.480800", "-2.242600"),
    ("Hamburg", "", "20095", "DE", "53.551100", "9.993700"),
    ("Leipzig", "", "04109", "DE", "51.339700", "12.373100"),
    ("Rotterdam", "", "3011 AD", "NL", "51.924400", "4.477700"),
    ("Lyon", "", "69002", "FR", "45.764000", "4.835700"),
    ("Milan", "", "20121", "IT", "45.464200", "9.190000"),
    ("Madrid", "", "28013", "ES", "40.416800", "-3.703800"),
    ("Barcelona", "", "08002", "ES", "41.387400", "2.168600"),
    ("Stockholm", "", "111 20", "SE", "59.329300", "18.068600"),
    ("Warsaw", "", "00-001", "PL", "52.229700", "21.012200"),
)

# Fulfilment centres run by the marketplace: (code, name, index into CITIES).
MARKETPLACE_CENTRES = (
    ("fc-reno", "Marketplace Fulfilment Centre Reno", 0),
    ("fc-columbus", "Marketplace Fulfilment Centre Columbus", 1),
    ("fc-allentown", "Marketplace Fulfilment Centre Allentown", 15),
)

DEMO_PASSWORD = "demo12345"  # noqa: S105 - published demo credentials
DEMO_ACCOUNTS = (
    (
        "shopper@example.com",
        "Sam Shopper",
        "Shopper: browse, search, add to cart, check out with a sandbox card, see orders.",
    ),
    (
        "seller@example.com",
        "Sally Seller",
        "Seller owner of {seller}: Seller Central at /seller/ (listings, inventory, orders, money, team).",
    ),
    ("staff@example.com", "Stan Staff", "Marketplace staff and superuser: everything in /admin/."),
)

# Subcategories whose products need their own words: each entry replaces the
# family's adjectives, features, attributes and title templates.
SUB_STYLES: dict[str, dict] = {
    "Televisions": {
        "adjectives": ("4K UHD", "Smart", "HDR", "Frameless", "Ultra-Slim"),
        "features": (
            "Dolby Vision",
            "120Hz Refresh Rate",
            "Built-in Streaming Apps",
            "Voice Remote",
            "Game Mode",
        ),
        "attributes": {
            "Screen size": ("32 in", "43 in", "50 in", "55 in", "65 in", "75 in"),
            "Resolution": ("4K", "1080p", "8K"),
        },
        "titles": (
            "{brand} {Screen size} {adj} {noun}, {feature}",
            "{brand} {noun} {Screen size}, {Resolution}, {feature}",
        ),
    },
    "Monitors": {
        "adjectives": ("IPS", "Gaming", "USB-C", "Frameless", "Eye-Care"),
        "features": ("165Hz", "HDR400", "Height-Adjustable Stand", "Built-in Speakers", "1ms Response"),
        "attributes": {
            "Screen size": ("24 in", "27 in", "32 in", "34 in"),
            "Resolution": ("1080p", "1440p", "4K"),
        },
        "titles": ("{brand} {Screen size} {adj} {noun}, {Resolution}, {feature}",),
    },
    "Keyboards & Mice": {
        "adjectives": ("Wireless", "Mechanical", "Ergonomic", "Silent", "Low-Profile"),
        "features": ("Rechargeable", "Multi-Device", "Backlit", "USB-C Receiver", "Programmable Buttons"),
        "attributes": {
            "Connectivity": ("Bluetooth", "2.4 GHz wireless", "USB wired"),
            "Colour": ("Black", "White", "Grey"),
        },
        "titles": ("{brand} {adj} {noun}, {feature}, {Colour}",),
    },
    "Storage": {
        "adjectives": ("Portable", "Rugged", "High-Speed", "Compact"),
        "features": ("USB 3.2", "Up to 1050 MB/s", "Password Protection", "Shock Resistant"),
        "attributes": {
            "Capacity": ("64 GB", "256 GB", "1 TB", "2 TB", "4 TB"),
            "Interface": ("USB-C", "USB-A", "Thunderbolt"),
        },
        "titles": ("{brand} {Capacity} {adj} {noun}, {feature}",),
    },
    "Networking": {
        "adjectives": ("Dual-Band", "Tri-Band", "Gigabit", "Compact"),
        "features": ("Covers 3,000 sq ft", "8 Ports", "Parental Controls", "Easy App Setup"),
        "attributes": {
            "Wireless standard": ("Wi-Fi 6", "Wi-Fi 6E", "Wi-Fi 7", "n/a"),
            "Ports": ("4", "5", "8"),
        },
        "titles": ("{brand} {adj} {noun}, {feature}",),
    },
    "Power & Charging": {
        "adjectives": ("Fast-Charging", "Compact", "Magnetic", "Foldable"),
        "features": ("20,000 mAh", "65W USB-C PD", "3 Ports", "Travel Size", "LED Indicator"),
        "attributes": {"Output": ("20 W", "45 W", "65 W", "100 W"), "Colour": ("Black", "White")},
        "titles": ("{brand} {adj} {noun}, {Output}, {feature}",),
    },
    "Bedding": {
        "adjectives": ("Soft", "Breathable", "Cooling", "Organic Cotton", "Hypoallergenic"),
        "features": ("Machine Washable", "Deep Pocket", "All-Season", "Wrinkle-Resistant"),
        "attributes": {
            "Size": ("Twin", "Full", "Queen", "King"),
            "Material": ("Cotton", "Linen", "Bamboo viscose", "Microfibre"),
            "Colour": SOFT_COLOURS,
        },
        "titles": ("{brand} {adj} {noun}, {Size}, {Colour}", "{brand} {Material} {noun}, {feature}"),
    },
    "Home Decor": {
        "adjectives": ("Modern", "Rustic", "Handcrafted", "Mid-Century", "Minimalist"),
        "features": ("Ready to Hang", "Gift Ready", "Set of 2", "Bulb Included"),
        "attributes": {"Material": ("Ceramic", "Glass", "Rattan", "Metal", "Cotton"), "Colour": SOFT_COLOURS},
        "titles": ("{brand} {adj} {noun}, {Colour}", "{brand} {adj} {Material} {noun}, {feature}"),
    },
    "Storage & Organisation": {
        "adjectives": ("Stackable", "Collapsible", "Clear", "Airtight"),
        "features": ("Set of 3", "Set of 6", "with Lids", "Space-Saving"),
        "attributes": {
            "Material": ("Plastic", "Fabric", "Bamboo", "Metal"),
            "Colour": ("White", "Grey", "Clear"),
        },
        "titles": ("{brand} {adj} {noun}, {feature}",),
    },
    "Office Furniture": {
        "adjectives": ("Ergonomic", "Adjustable", "Height-Adjustable", "Mesh-Back", "Compact"),
        "features": ("Lumbar Support", "Memory Presets", "Easy Assembly", "Holds 300 lb"),
        "attributes": {
            "Colour": ("Black", "White", "Walnut", "Grey"),
            "Material": ("Steel", "Mesh", "Engineered wood"),
        },
        "titles": ("{brand} {adj} {noun}, {feature}, {Colour}",),
    },
    "Desk Accessories": {
        "adjectives": ("Compact", "Heavy-Duty", "Bamboo", "Metal Mesh"),
        "features": ("Jam-Free", "Space-Saving", "Includes Refill", "Quiet Operation"),
        "attributes": {"Colour": ("Black", "Silver", "Natural"), "Material": ("Metal", "Bamboo", "Plastic")},
        "titles": ("{brand} {adj} {noun}, {feature}",),
    },
    "Watering": {
        "adjectives": ("Expandable", "Kink-Free", "Heavy-Duty", "Adjustable"),
        "features": ("50 ft", "100 ft", "8 Spray Patterns", "Leak-Proof Fittings"),
        "attributes": {
            "Material": ("Rubber", "Brass", "Galvanised steel", "Plastic"),
            "Colour": ("Green", "Black"),
        },
        "titles": ("{brand} {adj} {noun}, {feature}",),
    },
    "Outdoor Lighting": {
        "adjectives": ("Solar-Powered", "Weatherproof", "Warm White", "Motion-Sensor"),
        "features": ("Pack of 8", "48 ft", "Auto On/Off", "IP65 Waterproof"),
        "attributes": {
            "Light colour": ("Warm white", "Cool white", "Multicolour"),
            "Power source": ("Solar", "Mains"),
        },
        "titles": ("{brand} {adj} {noun}, {feature}",),
    },
    "Studio Recording": {
        "adjectives": ("Condenser", "Studio", "USB", "Professional"),
        "features": ("Plug and Play", "24-bit/192kHz", "with Boom Arm", "Zero-Latency Monitoring"),
        "attributes": {"Connectivity": ("USB-C", "XLR", "USB + XLR"), "Colour": ("Black", "Silver")},
        "titles": ("{brand} {adj} {noun}, {feature}",),
    },
    "Drums & Percussion": {
        "adjectives": ("Beginner", "Professional", "Compact", "Hardwood"),
        "features": ("with Carry Bag", "Mesh Heads", "Pair", "Includes Headphones"),
        "attributes": {"Material": ("Birch", "Maple", "Hickory", "Steel")},
        "titles": ("{brand} {adj} {noun}, {feature}",),
    },
}
