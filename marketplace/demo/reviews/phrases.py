"""Words the demo reviews, seller replies and seller feedback are made of.

A review is put together from the sentences of its product's *kind* (what
buyers of that sort of product talk about: sound and battery for gadgets, fit
and fabric for clothes, plot and pacing for books) and from sentences any
review may use (openers, value, delivery, closers, updates), chosen for its
stars. Placeholders: ``{noun}`` (the product's noun, "the {noun}" reads "the
wireless mouse"), ``{brand}``, ``{person}``, ``{weeks}``, ``{months}``,
``{size}``, ``{colour}``, ``{seller}``, ``{first}``. No sentence holds a
link, an e-mail address or seven digits in a row: the automatic moderation
checks (``reviews.moderation``) would hold it; only ``HELD`` does, on purpose.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Kind:
    uses: tuple[str, ...]  # why it was bought: the first sentence of a longer review
    pros: tuple[str, ...]
    nits: tuple[str, ...]  # small complaints a happy buyer still mentions
    faults: tuple[str, ...]  # what makes a buyer unhappy


TECH = Kind(
    uses=(
        "Bought the {noun} to replace one that finally died after years of use.",
        "I needed a {noun} for working from home.",
        "Got this as a gift for {person}, who is picky about gadgets.",
        "I read a lot of reviews before settling on this {noun}.",
        "Picked this up on a deal to try the brand.",
        "My old one was from a big name and cost twice as much, so I was curious.",
    ),
    pros=(
        "Setup took about five minutes and it connected on the first try.",
        "Build quality feels solid, nothing creaks or rattles.",
        "Battery life is better than advertised.",
        "Performance is smooth and it never gets hot.",
        "It looks more expensive than it was.",
        "Pairs instantly with my phone and laptop.",
        "The companion app is simple and actually useful.",
        "Charges quickly over USB-C.",
        "It does exactly what the listing says, no surprises.",
        "Noticeably faster than the one it replaced.",
    ),
    nits=(
        "The cable in the box is on the short side.",
        "The instructions are a single tiny leaflet.",
        "The status light is brighter than it needs to be at night.",
        "It picks up fingerprints easily.",
        "The app asks for more permissions than I would like.",
    ),
    faults=(
        "Stopped working after {weeks} weeks.",
        "Keeps disconnecting every few minutes, no matter what I try.",
        "The battery drains overnight even when it is switched off.",
        "It gets uncomfortably hot after half an hour of use.",
        "The unit I received would not hold a charge at all.",
        "Firmware updates made it worse, not better.",
    ),
)

CAMERA = Kind(
    uses=(
        "Bought the {noun} for a trip and wanted something better than my phone.",
        "I shoot mostly landscapes and family events.",
        "Upgrading from entry-level gear, I did a lot of research first.",
        "Got this for {person}, who is getting into photography.",
    ),
    pros=(
        "Images are sharp right into the corners.",
        "Autofocus is quick and quiet, even indoors.",
        "It feels well balanced in the hand.",
        "Colours straight out of the camera need very little editing.",
        "Low light performance surprised me.",
        "Everything locks into place firmly and nothing wobbles.",
        "Light enough to carry all day.",
    ),
    nits=(
        "The lens cap falls off too easily.",
        "The manual is thin, I had to look things up online.",
        "The bag that comes with it is flimsy.",
        "It is heavier than I expected.",
    ),
    faults=(
        "Autofocus hunts constantly and misses the shot.",
        "There was dust inside the glass out of the box.",
        "The mount is loose and it sags under any weight.",
        "Battery life is terrible, two hours at most.",
        "The tripod head creeps downwards after you lock it.",
    ),
)

GAMING = Kind(
    uses=(
        "Bought this for long gaming sessions on the weekend.",
        "Got the {noun} for {person}, who plays online most evenings.",
        "I needed a spare for when friends come over.",
        "My old one had stick drift, so it was time for a new one.",
    ),
    pros=(
        "Comfortable even after hours of play.",
        "Buttons are responsive and the triggers feel great.",
        "No noticeable lag at all.",
        "Voices come through clearly in team chat.",
        "Pairing was instant and it remembers the console.",
        "The lighting is a nice touch and can be switched off.",
        "Battery lasts several long sessions.",
    ),
    nits=(
        "The lighting software is clunky.",
        "A bit heavy for smaller hands.",
        "The cable is shorter than I would like.",
        "It squeaks slightly when you grip it hard.",
    ),
    faults=(
        "Developed stick drift within {weeks} weeks.",
        "The microphone sounds muffled to everyone I talk to.",
        "One of the buttons stopped registering.",
        "It disconnects in the middle of games.",
        "The ear cushions started peeling almost immediately.",
    ),
)

SOFTWARE = Kind(
    uses=(
        "I needed this for my small business.",
        "Switched from a subscription I was tired of paying for.",
        "Installed it on the family computers.",
        "Bought it after the free trial ran out.",
    ),
    pros=(
        "Installation was quick and the licence activated straight away.",
        "The interface is clean and easy to learn.",
        "It runs light and does not slow the computer down.",
        "Updates arrive regularly and install themselves.",
        "The help pages answered every question I had.",
        "Does everything I used to pay much more for.",
    ),
    nits=(
        "A few menus are buried deeper than they should be.",
        "It nags about upgrading to the premium edition.",
        "The first start takes a while.",
    ),
    faults=(
        "The licence key did not work and support took days to answer.",
        "It crashes every time I open a large file.",
        "After the last update half the features stopped working.",
        "It slowed my computer to a crawl.",
        "Renewal pricing is much higher than the first year.",
    ),
)

APPLIANCE = Kind(
    uses=(
        "Our old one gave up after many years, so we needed a replacement quickly.",
        "Bought the {noun} for our new flat.",
        "I wanted something smaller for a tiny kitchen.",
        "Got this for {person}, who cooks every day.",
    ),
    pros=(
        "It heats up fast and holds the temperature well.",
        "Quieter than I expected.",
        "Easy to clean, the removable parts go in the dishwasher.",
        "The controls are simple and clearly labelled.",
        "Uses noticeably less power than our old one.",
        "Sturdy and well made, it does not move around on the counter.",
        "It looks smart on the worktop.",
    ),
    nits=(
        "The power cord is short.",
        "It beeps loudly when it finishes and you cannot turn that off.",
        "Bigger than it looks in the pictures.",
        "The manual is hard to follow.",
    ),
    faults=(
        "It stopped heating after {weeks} weeks.",
        "It leaks water from the bottom.",
        "Far too loud to use in the evening.",
        "The plastic smell never went away.",
        "It arrived with a cracked part inside the box.",
        "Tripped the circuit breaker every time we used it.",
    ),
)

HOME = Kind(
    uses=(
        "Bought the {noun} when we moved into our new place.",
        "I was replacing a cheap one that did not last.",
        "Got this as a housewarming gift for {person}.",
        "Wanted something that looks nice and gets used every day.",
    ),
    pros=(
        "It looks even better in person than in the photos.",
        "Well made and feels sturdy.",
        "Easy to clean, wipes down in seconds.",
        "The colour matches the pictures exactly.",
        "Feels like something from a much pricier shop.",
        "Heats evenly and nothing sticks.",
        "It has held up perfectly to daily use.",
        "Fits perfectly in the space I had.",
    ),
    nits=(
        "A little smaller than I imagined.",
        "The label left sticky residue.",
        "It needs hand washing to keep it looking new.",
        "Smelled of packaging for the first few days.",
    ),
    faults=(
        "The coating started peeling after a few weeks.",
        "It arrived chipped and the box was fine, so it left the factory like that.",
        "The colour is nothing like the photos.",
        "Much flimsier than it looks.",
        "It warped the first time I used it.",
        "It broke within a month of normal use.",
    ),
)

GARDEN = Kind(
    uses=(
        "Bought the {noun} for our small back garden.",
        "Spring clean-up time, and my old one had rusted through.",
        "I grow vegetables on the balcony and needed something compact.",
        "Got this for {person}, who spends every weekend in the garden.",
    ),
    pros=(
        "It survived a whole season outdoors without fading.",
        "Sturdy and easy to handle.",
        "Drainage works well and the plants are thriving.",
        "It lights up the path nicely at night.",
        "Simple to assemble, no tools needed.",
        "Looks great on the patio.",
    ),
    nits=(
        "The colour is slightly darker than pictured.",
        "It is lighter than I expected, so it blows over in strong wind.",
        "The fittings are plastic.",
    ),
    faults=(
        "Rusted after the first rain.",
        "The plastic cracked within a month in the sun.",
        "Leaks at the connector no matter how tight it is.",
        "The solar light barely glows for an hour.",
        "The handle snapped the second time I used it.",
    ),
)

HANDMADE = Kind(
    uses=(
        "I love buying from small makers and this caught my eye.",
        "Bought the {noun} as a birthday present for {person}.",
        "Wanted something unique for the living room.",
        "Treated myself after a long month.",
    ),
    pros=(
        "You can tell it was made with real care.",
        "Every detail is lovely, and it is clearly one of a kind.",
        "It smells wonderful and burns evenly.",
        "Beautifully finished, with no rough edges.",
        "It was wrapped so nicely it felt like a gift.",
        "Even prettier in person.",
    ),
    nits=(
        "Slightly smaller than I pictured.",
        "Shipping took a little longer, but it is handmade after all.",
        "The colour varies a little from the photo, as handmade things do.",
    ),
    faults=(
        "It arrived broken and poorly packed.",
        "The finish is rough and uneven.",
        "The scent is barely noticeable.",
        "It does not look like the photos at all.",
    ),
)

CRAFTS = Kind(
    uses=(
        "I paint as a hobby and was running low on supplies.",
        "Bought these for {person}, who is just getting started.",
        "Needed supplies for a class I am taking.",
        "Tried this brand after my usual one went up in price.",
    ),
    pros=(
        "The colours are rich and blend beautifully.",
        "Great quality for the price.",
        "Soft and easy to work with.",
        "Plenty of material for several projects.",
        "Comes neatly organised in a sturdy case.",
        "Perfect for beginners and good enough for more experienced makers.",
    ),
    nits=(
        "The case is a bit flimsy.",
        "A couple of shades are very similar.",
        "The labels rub off quickly.",
    ),
    faults=(
        "The paint is chalky and streaks.",
        "Half the pencils were broken inside.",
        "The yarn splits constantly and pills after one wash.",
        "The colours are nothing like the swatches.",
    ),
)

OFFICE = Kind(
    uses=(
        "Bought the {noun} for my home office.",
        "We needed supplies for the whole team.",
        "Stocking up before the new school year.",
        "My desk setup needed an upgrade.",
    ),
    pros=(
        "Writes smoothly and never skips.",
        "Solid and well built for the price.",
        "Keeps my desk tidy at last.",
        "Assembly was straightforward and all the parts were there.",
        "Comfortable for a full working day.",
        "Good quality, the paper does not bleed through.",
    ),
    nits=(
        "One screw was missing, though I had a spare.",
        "The colour is more grey than black.",
        "It squeaks a little.",
    ),
    faults=(
        "The ink dried out within a week.",
        "The chair started sinking after a month.",
        "Parts did not line up and the holes were drilled in the wrong place.",
        "The paper jams in every printer we tried.",
    ),
)

BOOK = Kind(
    uses=(
        "Picked this up after a friend would not stop talking about it.",
        "I read it for my book club.",
        "Bought it for {person}, then ended up reading it first.",
        "I loved the author's previous book.",
        "Needed something for a long flight.",
    ),
    pros=(
        "I could not put it down and finished it in two evenings.",
        "The characters feel like real people.",
        "Beautifully written, I kept rereading passages.",
        "The twist at the end genuinely surprised me.",
        "Pacing is perfect, every chapter pulls you into the next.",
        "Well researched without ever feeling heavy.",
    ),
    nits=(
        "The middle drags a little.",
        "The print is quite small.",
        "The ending felt a bit rushed.",
        "A map would have helped.",
    ),
    faults=(
        "I gave up halfway through, nothing happens.",
        "The characters are flat and the dialogue is wooden.",
        "My copy arrived with a bent cover and creased pages.",
        "The ending makes no sense.",
        "Full of typos, it feels like it was never edited.",
        "Nothing like the description on the back.",
    ),
)

FILM = Kind(
    uses=(
        "Watched this with the family on a rainy weekend.",
        "I remembered it from years ago and wanted my own copy.",
        "Bought it after seeing the trailer.",
        "Got it for {person}, who collects this sort of thing.",
    ),
    pros=(
        "The performances are outstanding.",
        "Picture and sound quality are excellent.",
        "It holds up really well on a second viewing.",
        "The extras are worth watching too.",
        "Gripping from start to finish.",
        "Beautifully shot, some scenes are stunning.",
    ),
    nits=(
        "A little long in the middle.",
        "The menus are slow.",
        "No subtitles in some of the extras.",
    ),
    faults=(
        "The disc skips in the second half.",
        "The story goes nowhere and I nearly fell asleep.",
        "The picture quality is worse than streaming.",
        "The case arrived cracked.",
    ),
)

INSTRUMENT = Kind(
    uses=(
        "Bought the {noun} for {person}, who is learning to play.",
        "I have played for years and wanted a second instrument for travel.",
        "Got back into music after a long break.",
        "Needed something decent for home recording.",
    ),
    pros=(
        "Stays in tune remarkably well.",
        "Sounds much richer than the price suggests.",
        "The action is comfortable right out of the box.",
        "Solid construction and a lovely finish.",
        "Easy to set up even for a beginner.",
        "Clean signal with no hum at all.",
    ),
    nits=(
        "The strings it came with are cheap, so I replaced them.",
        "The gig bag is very thin.",
        "It needed a small adjustment before it played perfectly.",
    ),
    faults=(
        "Will not stay in tune for more than a few minutes.",
        "There is a constant buzz on several frets.",
        "One of the keys stopped working.",
        "The finish was scratched when it arrived.",
    ),
)

CLOTHING = Kind(
    uses=(
        "I needed a few basics for work.",
        "Bought it for a trip and ended up wearing it every day.",
        "Got this for {person} as a birthday present.",
        "Tried the brand because my usual one changed its cut.",
    ),
    pros=(
        "The fabric is soft and feels good quality.",
        "Washes well and keeps its shape.",
        "Comfortable all day.",
        "The colour is rich and has not faded.",
        "Flattering cut, I have had several compliments.",
        "The stitching is neat and nothing came loose.",
        "Warm without being bulky.",
    ),
    nits=(
        "It creases easily.",
        "The sleeves are slightly long.",
        "It shrank a tiny bit in the first wash.",
        "Thinner fabric than I expected.",
    ),
    faults=(
        "It fell apart after two washes.",
        "The fabric is scratchy and see-through.",
        "The colour ran and ruined a whole load of laundry.",
        "The seams started coming apart the first time I wore it.",
        "Sizing is completely off.",
    ),
)

SHOES = Kind(
    uses=(
        "I walk a lot for work and needed a comfortable pair.",
        "Bought these for running three times a week.",
        "Got them for {person}, who is hard to buy shoes for.",
        "My old pair finally wore out.",
    ),
    pros=(
        "Comfortable straight out of the box, no breaking in.",
        "Good grip, even on wet pavements.",
        "Plenty of cushioning for long days.",
        "They look smart and go with everything.",
        "Light and breathable.",
        "Well made, and the soles are holding up.",
    ),
    nits=(
        "The laces are too long.",
        "They squeak a little on smooth floors.",
        "The insole is thin, so I added my own.",
    ),
    faults=(
        "The sole started coming away after {weeks} weeks.",
        "They gave me blisters every single time.",
        "Not waterproof at all, despite the description.",
        "The stitching split on the side within a month.",
    ),
)

JEWELRY = Kind(
    uses=(
        "Bought this as an anniversary present for {person}.",
        "I wanted something simple to wear every day.",
        "A little treat for myself.",
        "Needed a gift and did not want to spend a fortune.",
    ),
    pros=(
        "Looks elegant and catches the light beautifully.",
        "The clasp is secure and easy to fasten.",
        "It came in a lovely gift box.",
        "Has not tarnished at all.",
        "Delicate but sturdy.",
        "It looks far more expensive than it was.",
    ),
    nits=(
        "The chain is a touch shorter than I would like.",
        "Smaller than it looks in the photos.",
        "The box is nicer than it needs to be.",
    ),
    faults=(
        "It tarnished within a couple of weeks.",
        "The stone fell out the first week.",
        "It turned my skin green.",
        "The clasp broke the first time I wore it.",
    ),
)

WATCH = Kind(
    uses=(
        "I wanted a watch I could wear to work and at the weekend.",
        "Bought the {noun} for {person}'s birthday.",
        "My old watch broke and I did not want to spend a fortune.",
        "Wanted something to track my runs and sleep.",
    ),
    pros=(
        "Keeps perfect time.",
        "The strap is comfortable and easy to adjust.",
        "The face is easy to read, even in sunlight.",
        "Looks classy and gets compliments.",
        "Battery lasts well over a week.",
        "Step and sleep tracking seem accurate.",
    ),
    nits=(
        "The strap was too long and needed links removed.",
        "The buckle is a bit stiff.",
        "The charger is proprietary.",
    ),
    faults=(
        "It loses several minutes a day.",
        "The crystal scratched within a week.",
        "Stopped syncing with my phone after an update.",
        "Fogged up inside after washing my hands.",
    ),
)

LUGGAGE = Kind(
    uses=(
        "Bought this for a two-week trip abroad.",
        "I travel for work most weeks.",
        "Needed something that fits in the cabin.",
        "Got it for {person}, who is off travelling for a few months.",
    ),
    pros=(
        "The wheels glide smoothly and it is easy to steer.",
        "Survived several flights without a scratch.",
        "Plenty of pockets, everything has its place.",
        "Light but feels strong.",
        "Zips are sturdy and run smoothly.",
        "Fits in the overhead bin with room to spare.",
    ),
    nits=(
        "The handle wobbles a little when fully extended.",
        "The inside lining is thin.",
        "It scuffs easily.",
    ),
    faults=(
        "A wheel broke off on the first trip.",
        "The zip split on the way home.",
        "The strap buckle snapped within weeks.",
        "It cracked at the corner after one flight.",
    ),
)

BEAUTY = Kind(
    uses=(
        "I have sensitive skin and am careful about what I use.",
        "Bought the {noun} after my usual one was discontinued.",
        "Got this for {person}, who loves trying new products.",
        "Tried it after seeing it recommended online.",
    ),
    pros=(
        "It feels lovely and absorbs quickly.",
        "A little goes a long way.",
        "Gentle enough for my sensitive skin.",
        "The scent is subtle and fresh.",
        "I could see a difference within a couple of weeks.",
        "Long lasting, it stays put all day.",
        "My hair is noticeably softer.",
    ),
    nits=(
        "The pump is a bit stiff.",
        "The scent fades quite quickly.",
        "The packaging is hard to recycle.",
    ),
    faults=(
        "It broke me out within days.",
        "The smell is overpowering and artificial.",
        "It left my skin dry and tight.",
        "The bottle arrived half empty and sticky.",
        "Did absolutely nothing for me.",
    ),
)

HEALTH = Kind(
    uses=(
        "My doctor suggested I start taking these.",
        "Bought the {noun} to keep an eye on things at home.",
        "We go through a lot of these in our house.",
        "Got this for {person}, who needed one after a hospital visit.",
    ),
    pros=(
        "Easy to use and the results are consistent.",
        "Small tablets that are easy to swallow.",
        "Good value for the size of the pack.",
        "Readings match the ones at my doctor's office.",
        "Gentle and does the job.",
        "The display is large and easy to read.",
    ),
    nits=(
        "The instructions are in very small print.",
        "The case is bulky.",
        "It has a slight aftertaste.",
    ),
    faults=(
        "Readings jump around every time I use it.",
        "The seal on the tub was broken when it arrived.",
        "Made me feel unwell, so I stopped taking it.",
        "It stopped working after a few weeks.",
    ),
)

TOY = Kind(
    uses=(
        "Bought the {noun} for {person}'s birthday.",
        "We needed something to keep the kids busy on rainy days.",
        "A Christmas present for my nephew.",
        "My daughter saw it at a friend's house and would not stop asking.",
    ),
    pros=(
        "The kids have played with it every day since it arrived.",
        "Sturdy enough to survive a toddler.",
        "Easy to put together, even without reading the instructions.",
        "Keeps them busy for hours.",
        "Great for family game night, everyone joined in.",
        "All the pieces fit together well.",
        "Bright colours and no sharp edges.",
    ),
    nits=(
        "The box is much bigger than it needs to be.",
        "Batteries are not included.",
        "A couple of pieces are easy to lose.",
    ),
    faults=(
        "Broke within a day of normal play.",
        "Pieces were missing from the box.",
        "The paint chips off easily.",
        "The instructions are impossible to follow.",
        "Much smaller than the pictures suggest.",
    ),
)

BABY = Kind(
    uses=(
        "Bought the {noun} before our first baby arrived.",
        "A gift for {person}, who is expecting in the spring.",
        "We needed a second one for the grandparents' house.",
        "Our first one wore out after two children.",
    ),
    pros=(
        "Easy to clean, which matters more than anything.",
        "Feels safe and sturdy.",
        "Folds up quickly with one hand.",
        "Our little one took to it straight away.",
        "The materials are soft and well made.",
        "Simple to assemble.",
    ),
    nits=(
        "A little heavy to carry around.",
        "The straps take some working out.",
        "Only comes in a few colours.",
    ),
    faults=(
        "The latch broke within weeks, which is not safe.",
        "It wobbles, and I do not trust it.",
        "Impossible to clean properly.",
        "The fabric pilled after one wash.",
    ),
)

SPORTS = Kind(
    uses=(
        "Bought the {noun} for a weekend camping trip.",
        "I train three or four times a week.",
        "Getting back into shape after a long winter.",
        "Got this for {person}, who just took up cycling.",
    ),
    pros=(
        "It held up to a soaking on the trail.",
        "Light enough to carry all day.",
        "Solid and stable, even under heavy use.",
        "Packs down small and goes up quickly.",
        "Comfortable during long sessions.",
        "Grip is excellent, even when wet.",
    ),
    nits=(
        "The carry bag is a tight fit.",
        "It has a rubbery smell at first.",
        "The instructions are vague.",
    ),
    faults=(
        "Leaked the first night it rained.",
        "The seams split after {weeks} weeks.",
        "The buckle snapped mid-ride.",
        "It slips and is not safe to use.",
    ),
)

TOOLS = Kind(
    uses=(
        "Bought the {noun} for a bathroom renovation.",
        "I do a lot of weekend projects around the house.",
        "My old one finally gave out after years of abuse.",
        "Needed it for a job at work.",
    ),
    pros=(
        "Plenty of power for anything I have thrown at it.",
        "Feels well balanced and solid in the hand.",
        "Accurate, I checked it against my old one.",
        "The battery lasts the whole job.",
        "Everything fits neatly in the case.",
        "Tough enough for daily use on site.",
    ),
    nits=(
        "The case is a little bulky.",
        "It is louder than I expected.",
        "No spare bits included.",
    ),
    faults=(
        "The chuck slips under any real load.",
        "It overheated and shut off after ten minutes.",
        "The measurements are off by a noticeable amount.",
        "The handle cracked the first time I used it.",
    ),
)

CAR = Kind(
    uses=(
        "Bought the {noun} for a long road trip.",
        "I drive a lot for work.",
        "Our car is older, so I wanted to add some modern touches.",
        "Got it for {person}'s first car.",
    ),
    pros=(
        "Fits my car perfectly.",
        "Installed it in ten minutes without any tools.",
        "Works just as described.",
        "The finish looks great after washing.",
        "Holds firmly and does not rattle.",
        "Good value compared with the dealer's version.",
    ),
    nits=(
        "The cable is a bit short for the back seats.",
        "It took a few tries to get the angle right.",
        "The instructions are vague.",
    ),
    faults=(
        "It does not fit, despite the listing saying it would.",
        "Stopped working after {weeks} weeks.",
        "Left streaks all over the paintwork.",
        "The mount falls off on every bump.",
    ),
)

PET = Kind(
    uses=(
        "Bought the {noun} for our new puppy.",
        "Our cat is fussy, so I did not expect much.",
        "Needed a replacement after the old one was chewed to pieces.",
        "Got it for {person}'s dog.",
    ),
    pros=(
        "Our dog loves it.",
        "The cat took to it immediately.",
        "Sturdy enough to survive serious chewing.",
        "Easy to clean.",
        "Good size, and it fits nicely in the corner.",
        "The fish are thriving since we switched.",
    ),
    nits=(
        "A bit smaller than I expected.",
        "The smell is strong at first.",
        "It slides around on hard floors.",
    ),
    faults=(
        "Destroyed within an hour.",
        "Our dog will not go near it.",
        "The seams split almost immediately.",
        "It made our cat sick.",
    ),
)

FOOD = Kind(
    uses=(
        "I drink coffee every morning and like to try new things.",
        "Stocking up the pantry.",
        "We go through a lot of snacks in our house.",
        "Got this for {person}, who is hard to buy for.",
    ),
    pros=(
        "Tastes fresh and full of flavour.",
        "Great value for the amount you get.",
        "Packed well and arrived in perfect condition.",
        "Long best-before date.",
        "Rich and smooth, with no bitterness.",
        "The whole family likes it.",
    ),
    nits=(
        "The bag is hard to reseal.",
        "A little sweeter than I would like.",
        "Portions are on the small side.",
    ),
    faults=(
        "It arrived close to its best-before date.",
        "Tastes stale.",
        "The packaging was split and half of it spilled.",
        "Nothing like the flavour described.",
    ),
)

SCREEN = Kind(
    uses=(
        "Bought the {noun} for the living room after our old one died.",
        "I work from home and spend all day in front of a screen.",
        "Upgraded from a much older model.",
        "Got this for {person}, who watches a lot of sport.",
    ),
    pros=(
        "The picture is sharp and the colours are vivid.",
        "Setup took ten minutes, including the stand.",
        "Blacks are deep and there is no obvious backlight bleed.",
        "Motion looks smooth, even in fast games.",
        "The thin bezels look great on the wall.",
        "Easy on the eyes after a long day.",
        "The built-in apps are quick to load.",
    ),
    nits=(
        "The speakers are thin, so I use a soundbar.",
        "The remote feels cheap.",
        "The stand wobbles a little.",
        "The menus take some getting used to.",
    ),
    faults=(
        "A line of dead pixels appeared after {weeks} weeks.",
        "It turns itself off at random.",
        "Terrible backlight bleed in the corners.",
        "The screen arrived cracked.",
        "The picture flickers constantly.",
    ),
)

CASE = Kind(
    uses=(
        "Needed protection for my new phone.",
        "My last one cracked when I dropped it.",
        "Bought a few for the family's phones.",
        "Got this for {person}, who drops everything.",
    ),
    pros=(
        "Fits my phone perfectly and all the buttons work.",
        "It has already saved my phone from a couple of drops.",
        "Slim, so it still fits in my pocket.",
        "Went on without a single bubble.",
        "Feels good in the hand and does not slip.",
        "Wireless charging still works through it.",
    ),
    nits=(
        "It picks up lint in the pocket.",
        "The edges are a little sharp.",
        "The clear back yellowed slightly over time.",
    ),
    faults=(
        "The cut-outs do not line up with the camera.",
        "It cracked the first time I dropped it.",
        "Full of bubbles no matter how carefully I applied it.",
        "It slips off the phone.",
    ),
)

COOKBOOK = Kind(
    uses=(
        "I cook most evenings and wanted some new ideas.",
        "Bought it for {person}, who has just moved out.",
        "Trying to cook more at home and eat less takeaway.",
        "A friend made a dish from it and I had to have the book.",
    ),
    pros=(
        "The recipes actually work and the instructions are clear.",
        "Every recipe we have tried has been a hit.",
        "Beautiful photos of every dish.",
        "The ingredients are easy to find.",
        "Plenty of quick weeknight meals.",
        "Lies flat on the counter while you cook.",
    ),
    nits=(
        "Some recipes need equipment I do not have.",
        "A few of the portion sizes are small.",
        "The print is small.",
    ),
    faults=(
        "Several recipes simply did not work.",
        "Half the ingredients are impossible to find.",
        "The measurements are wrong in places.",
        "My copy arrived with a torn cover.",
    ),
)

KIDS_BOOK = Kind(
    uses=(
        "Bought it for bedtime reading with my son.",
        "A present for {person}'s little one.",
        "Our daughter's teacher recommended it.",
        "We read together every night and needed new books.",
    ),
    pros=(
        "My kids ask for it every night at bedtime.",
        "The illustrations are gorgeous.",
        "Funny for the adults too.",
        "Sturdy pages that survive little hands.",
        "Just the right length for bedtime.",
        "It got my reluctant reader reading.",
    ),
    nits=(
        "A little short for the price.",
        "The cover scuffs easily.",
        "Better for slightly older children than the age stated.",
    ),
    faults=(
        "The story is dull and the kids lost interest.",
        "Pages started coming loose within a week.",
        "Far too scary for the age it says.",
        "Arrived with a crushed corner.",
    ),
)

BEDDING = Kind(
    uses=(
        "Bought these for the guest room.",
        "Our old set was worn thin after years of washing.",
        "I sleep hot and wanted something breathable.",
        "A housewarming present for {person}.",
    ),
    pros=(
        "Soft from the first night and softer after every wash.",
        "The colour is rich and has not faded in the wash.",
        "Breathable, I no longer wake up too warm.",
        "The stitching is neat and the fit on the mattress is perfect.",
        "Feels far more expensive than it was.",
        "Barely creases coming out of the dryer.",
    ),
    nits=(
        "It needed a couple of washes to lose the factory smell.",
        "The elastic corners are a bit tight on a deep mattress.",
        "A little thinner than I expected.",
    ),
    faults=(
        "Pilled badly after two washes.",
        "The stitching came apart after one wash.",
        "Scratchy, and it never softened up.",
        "Shrank so much it no longer fits the bed.",
    ),
)

SUPPLIES = Kind(
    uses=(
        "We order these for the workshop every few months.",
        "Needed the {noun} for a job at work.",
        "Bought it for a weekend project.",
        "Our usual supplier was out of stock, so I tried these.",
    ),
    pros=(
        "Exactly to spec, and the quality is consistent.",
        "Accurate, I checked it against a reference.",
        "Well organised and clearly labelled.",
        "Sturdy and feels built to last.",
        "Everything in the pack was usable.",
        "Easy to read and simple to calibrate.",
        "Good value for the quantity.",
    ),
    nits=(
        "The case is flimsy.",
        "The instructions are a photocopy.",
        "Fewer pieces of the common sizes than I would like.",
    ),
    faults=(
        "Several pieces were faulty out of the box.",
        "Readings drift by a noticeable amount.",
        "The sizes are inconsistent.",
        "It broke the second time I used it.",
    ),
)

KINDS: dict[str, Kind] = {
    "tech": TECH,
    "camera": CAMERA,
    "gaming": GAMING,
    "software": SOFTWARE,
    "appliance": APPLIANCE,
    "home": HOME,
    "garden": GARDEN,
    "handmade": HANDMADE,
    "crafts": CRAFTS,
    "office": OFFICE,
    "book": BOOK,
    "film": FILM,
    "instrument": INSTRUMENT,
    "clothing": CLOTHING,
    "shoes": SHOES,
    "jewelry": JEWELRY,
    "watch": WATCH,
    "luggage": LUGGAGE,
    "beauty": BEAUTY,
    "health": HEALTH,
    "toy": TOY,
    "baby": BABY,
    "sports": SPORTS,
    "tools": TOOLS,
    "car": CAR,
    "pet": PET,
    "food": FOOD,
    "screen": SCREEN,
    "case": CASE,
    "cookbook": COOKBOOK,
    "kids_book": KIDS_BOOK,
    "supplies": SUPPLIES,
    "bedding": BEDDING,
}

# The kind of review each catalog family (vocabulary.FAMILIES) gets.
KIND_OF_FAMILY = {
    "electronics": "tech",
    "computers": "tech",
    "phones": "tech",
    "camera": "camera",
    "videogames": "gaming",
    "software": "software",
    "appliances": "appliance",
    "home": "home",
    "garden": "garden",
    "handmade": "handmade",
    "crafts": "crafts",
    "office": "office",
    "books": "book",
    "movies": "film",
    "music": "instrument",
    "apparel": "clothing",
    "shoes": "shoes",
    "jewelry": "jewelry",
    "watches": "watch",
    "luggage": "luggage",
    "beauty": "beauty",
    "health": "health",
    "toys": "toy",
    "baby": "baby",
    "sports": "sports",
    "tools": "tools",
    "industrial": "supplies",
    "automotive": "car",
    "pets": "pet",
    "grocery": "food",
}

# Subcategories whose buyers talk about something else than their family's (vocabulary.TOP_CATEGORIES).
KIND_OF_SUB = {
    "Televisions": "screen",
    "Monitors": "screen",
    "Cases": "case",
    "Screen Protectors": "case",
    "Cookbooks": "cookbook",
    "Children's Books": "kids_book",
    "Measuring": "supplies",
    "Tool Storage": "supplies",
    "Bedding": "bedding",
    "Textiles": "bedding",
}

PEOPLE = (
    "my wife",
    "my husband",
    "my partner",
    "my son",
    "my daughter",
    "my dad",
    "my mum",
    "a friend",
    "my sister",
    "my brother",
    "a colleague",
    "my teenager",
)

TITLES = {
    5: (
        "Exactly what I needed",
        "Love it",
        "Excellent quality",
        "Worth every penny",
        "Better than expected",
        "Highly recommend",
        "Five stars",
        "Perfect",
        "Great buy",
        "Could not be happier",
        "Does the job brilliantly",
        "Impressed",
        "Fantastic value",
        "Just buy it",
    ),
    4: (
        "Very good, one small niggle",
        "Really pleased overall",
        "Good value",
        "Nearly perfect",
        "Solid choice",
        "Happy with it",
        "Does what it says",
        "Great, with a small caveat",
        "Would buy again",
    ),
    3: (
        "It's okay",
        "Mixed feelings",
        "Does the job, nothing more",
        "Average",
        "Good and bad",
        "Fine for the price",
        "Not bad, not great",
        "Expected a bit more",
    ),
    2: (
        "Disappointing",
        "Not as described",
        "Would not buy again",
        "Expected better",
        "Poor quality",
        "Looks nice, but",
        "Not worth the money",
    ),
    1: (
        "Avoid",
        "Stopped working",
        "Complete waste of money",
        "Very disappointed",
        "Returned it",
        "Do not buy",
        "Broke almost immediately",
        "Terrible",
        "Not fit for purpose",
    ),
}

# Whole reviews of one sentence, by stars (a pro or a fault of the kind is the other kind of short one).
ONE_LINERS = {
    5: (
        "Love it.",
        "Exactly as described, would buy again.",
        "Great quality and arrived quickly.",
        "Does exactly what I wanted.",
        "Perfect, no complaints at all.",
        "Brilliant, I have already ordered a second one.",
        "Really happy with this purchase.",
        "Excellent, thank you!",
    ),
    4: (
        "Very good, just not quite perfect.",
        "Pleased with it, good value.",
        "Does the job well.",
        "Good quality for the price.",
        "Happy with it so far.",
    ),
    3: (
        "It's fine. Nothing special.",
        "Does the job but feels cheap.",
        "Okay for the price.",
        "Average, about what I expected.",
    ),
    2: (
        "Not great. Expected better.",
        "Disappointed with the quality.",
        "Not what I was hoping for.",
    ),
    1: (
        "Rubbish. Do not buy.",
        "Broke straight away. Avoid.",
        "Complete waste of money.",
        "Returned it the same day.",
    ),
}

CLOSERS = {
    5: (
        "Would definitely buy again.",
        "Highly recommended.",
        "I have already recommended it to friends.",
        "No regrets at all.",
        "Can't fault it.",
        "I'll be buying from this brand again.",
    ),
    4: (
        "Overall I'm very happy with it.",
        "Still easy to recommend.",
        "Would buy again.",
        "Four stars only because of the small things above.",
    ),
    3: (
        "It's okay for the price, but I would look around first.",
        "I'm keeping it, but I won't buy another.",
        "Not bad, just not great.",
        "Fine if your expectations are modest.",
    ),
    2: (
        "I would not buy it again.",
        "Look elsewhere.",
        "Disappointing overall.",
        "Not worth the money in my opinion.",
    ),
    1: (
        "Save your money.",
        "Avoid.",
        "Really disappointed.",
        "I wish I could give zero stars.",
        "Will not be ordering from this brand again.",
    ),
}

VALUE = {
    "good": (
        "For the price, it's a steal.",
        "Great value compared with the big brands.",
        "Cheaper than the shops and just as good.",
    ),
    "fair": ("The price is fair for what you get.", "Reasonably priced."),
    "bad": ("Overpriced for what it is.", "Not worth what I paid.", "You can get better for the same money."),
}

DELIVERY = {
    "good": (
        "Arrived a day early and very well packed.",
        "Delivery was quick.",
        "Came well packaged, with no damage.",
    ),
    "bad": ("The box arrived crushed.", "Delivery took longer than promised."),
}

TIME_USED = (
    "I've been using it daily for {weeks} weeks now.",
    "I've had it for about {months} months.",
    "After {weeks} weeks of regular use, here is what I think.",
)

UPDATES = {
    "good": (
        "Update after {months} months: still going strong.",
        "Update: still working perfectly after {months} months.",
        "Edit: bought a second one for {person}.",
    ),
    "bad": (
        "Update after {months} months: it has not held up well at all.",
        "Update: I've given up on it and bought something else.",
        "Update: the replacement has the same problem.",
    ),
}

# Longer thoughts that lengthen a long review, by mood.
DETAILS = {
    "good": (
        "I was hesitant because of the price, but after comparing it with a couple of alternatives, "
        "this one was clearly the best made.",
        "The little details are well thought out, and it is obvious that someone actually used it "
        "before it went on sale.",
        "I have recommended it to two friends already and both of them have been just as pleased with it.",
        "It replaced something I had been putting up with for years, and I only wish I had bought it sooner.",
        "I have used it almost every day since it arrived and have not found anything to complain about.",
        "It feels like the kind of thing that will last for years rather than months.",
        "Everything you need is in the box, so it was ready to use the moment I unpacked it.",
    ),
    "mixed": (
        "It is one of those products that does most things reasonably well without being great at any "
        "of them.",
        "If it were a little cheaper I would be happier, but it does the job and I am not sending it back.",
        "Some days I love it and some days it annoys me, which I suppose is a three-star product.",
        "It does what it says, but I expected a bit more polish for the money.",
    ),
    "bad": (
        "I contacted the seller and was offered a replacement, but the second one had exactly the same "
        "problem, so I do not think it is a one-off.",
        "I really wanted to like it, because on paper it ticks every box, but in daily use it has been "
        "one frustration after another.",
        "For the money I expected far better quality control; the one I received feels like a factory "
        "second.",
        "The photos on the listing are flattering, to put it kindly.",
        "I gave it a fair chance before writing this, but it has only got worse with use.",
        "I have bought cheaper versions that worked better than this.",
    ),
}

RETURNED = (
    "Sent it back for a refund.",
    "I'm returning it.",
    "The return was easy, at least.",
    "Asked for a replacement, we will see.",
)

# The Size or Colour of the variation bought, by how it went.
FIT = {
    "good": (
        "I ordered my usual {size} and it fits perfectly.",
        "True to size, the {size} is spot on.",
        "The {size} fits as expected.",
    ),
    "small": ("Runs small, I should have ordered a size up from {size}.", "The {size} is a bit snug."),
    "large": ("Runs large, the {size} is roomy.", "Size down, the {size} is loose on me."),
}
COLOUR = {
    "good": (
        "The {colour} is exactly like the photos.",
        "Love the {colour}, even nicer in person.",
        "The {colour} looks great.",
    ),
    "off": (
        "The {colour} is darker than in the pictures.",
        "The {colour} looks quite different in real life.",
    ),
}

MIXED_LINKS = ("That said,", "On the other hand,", "However,", "But")
NIT_LINKS = ("Only complaint:", "One small thing:", "Minor niggle:", "If I'm picky,")

# Sentences that trip the automatic checks: a pending review holds one (moderation.text_reasons says why).
HELD = (
    "Found the same one cheaper at bargain-{word}.shop, worth a look.",
    "Full review with more photos on my blog: www.{word}-reviews.com",
    "Happy to answer questions, write to me at {handle}@example.com.",
    "Selling my old one if anyone wants it, call me on 555 014 {digits}.",
)
HELD_WORDS = ("gadget", "deals", "outlet", "home", "style", "gear")

SELLER_REPLIES = {
    "thanks": (
        "Thank you for the kind review, {first}! We're glad the {noun} is working out for you.",
        "Thanks so much, {first}. Reviews like yours make our day.",
        "We really appreciate you taking the time to write this, {first}. Enjoy!",
    ),
    "sorry": (
        "We're sorry to hear this, {first}. Please contact us from your order page and we will "
        "send a replacement or refund you straight away.",
        "Hi {first}, this is not the experience we want for our customers. Our team has reached out "
        "through your order messages to put it right.",
        "Thank you for the honest feedback, {first}. We've passed this on to our quality team, and "
        "we'd like to make it right: please message us from your order page.",
    ),
    "mixed": (
        "Thanks for the feedback, {first}. We've noted your point and shared it with the maker.",
        "Hi {first}, thanks for the fair review. If anything else comes up, message us from your "
        "order page and we'll help.",
    ),
}
REPLY_SIGNATURE = "The {seller} team"

FEEDBACK_COMMENTS = {
    5: (
        "Fast shipping, well packed. Great seller.",
        "Arrived a day early. Would buy from again.",
        "Item exactly as described, quick delivery.",
        "Smooth transaction, thank you!",
        "Excellent communication and fast dispatch.",
        "Perfect, thanks.",
    ),
    4: (
        "Good seller, delivery took a little longer than expected.",
        "Item as described. Packaging could be better.",
        "All fine, thanks.",
    ),
    3: (
        "Item okay, but shipping was slow.",
        "Arrived in a battered box, but the item was fine.",
        "Took a while to answer my question.",
    ),
    2: (
        "Delivery was very late and no updates.",
        "Item not quite as described.",
        "Poorly packed, one corner damaged.",
    ),
    1: (
        "Item arrived damaged and the seller never replied.",
        "Not as described, and a difficult return.",
        "Very slow and no communication at all.",
    ),
}

REPORT_NOTES = {
    "spam": ("This reads like an advert.", "Promoting another shop."),
    "off_topic": ("This is about the delivery, not the product.", "Review of a different item."),
    "fake": ("Same wording as several other reviews.", "Looks like a paid review."),
    "offensive": ("Rude language.",),
    "other": ("", "Not helpful at all."),
}
