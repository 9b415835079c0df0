/**
 * Passwords people choose most, for `checkPasswordPolicy`. Source: SecLists (MIT),
 * Passwords/Common-Credentials/10-million-password-list-top-1000.txt, lowercased and deduplicated,
 * without the entries made only of digits (they are never the word at the heart of a longer
 * password) and without the obscene ones; then a few keyboard walks long enough to pass the length
 * rule on their own. The policy compares the password with its digits and symbols taken off both
 * ends and common letter substitutions undone, so `Password1234!` and `p@ssw0rd2024` match
 * `password` here.
 */
const TOP_PASSWORDS = `
password qwerty dragon baseball abc123 football monkey letmein shadow master qwertyuiop mustang
michael superman 1qaz2wsx qazwsx 123qwe killer trustno1 jordan jennifer zxcvbnm asdfgh hunter
buster soccer harley batman andrew tigger sunshine iloveyou charlie robert thomas hockey ranger
daniel starwars klaster george computer michelle jessica pepper zxcvbn freedom pass maggie
aaaaaa ginger princess joshua cheese amanda summer love ashley nicole chelsea biteme matthew
access yankees dallas austin thunder taylor matrix william corvette hello martin heather secret
merlin diamond 1234qwer gfhjkm hammer silver anthony justin test bailey q1w2e3r4t5 patrick
internet scooter orange golfer cookie richard samantha bigdog guitar jackson whatever mickey
chicken sparky snoopy maverick phoenix camaro peanut morgan welcome falcon cowboy ferrari
samsung andrea smokey steelers joseph mercedes dakota arsenal eagles melissa boomer spider
nascar monster tigers yellow xxxxxx gateway marina diablo bulldog qwer1234 compaq purple
hardcore banana junior hannah porsche lakers iceman money cowboys london tennis ncc1701 coffee
scooby miller boston q1w2e3r4 brandon yamaha chester mother forever johnny edward oliver redsox
player nikita knight fender barney midnight please brandy chicago badboy slayer rangers charles
angel flower bigdaddy rabbit wizard jasper enter rachel chris steven winner adidas victoria
natasha 1q2w3e4r jasmine winter prince marine ghbdtn fishing cocacola casper james raiders
marlboro gandalf asdfasdf crystal golden panther lauren angela spanky thx1138 angels madison
winston shannon mike toyota jordan23 canada sophie apples tiger razz 123abc pokemon qazxsw
qwaszx muffin johnson murphy cooper jonathan liverpoo david danielle jackie 123456a turtle
abcd1234 scorpion qazwsxedc butter carlos password1 dennis slipknot qwerty123 booger asdf black
startrek cameron newyork rainbow nathan john rocket viking redskins asdfghjkl sierra peaches
gemini doctor wilson sandra helpme qwertyui victor florida dolphin pookie captain tucker blue
liverpool theman bandit dolphins maddog packers jaguar lovers nicholas united tiffany maxwell
zzzzzz nirvana jeremy stupid monica elephant giants secret123 hotdog rosebud success debbie
mountain xxxxxxxx warrior 1q2w3e4r5t q1w2e3 123456q albert metallic lucky azerty alex bond007
alexis samson willie scorpio bonnie gators benjamin voodoo driver dexter jason calvin freddy
creative 12345a sydney rush2112 asdfghjk red123 bubba passw0rd trouble gunner happy gordon
legend jessie stella qwert eminem arthur apple nissan bear america 1qazxsw2 nothing parker
rebecca qweqwe garfield beavis jack asdasd december magic apollo skippy girls kitten golf copper
braves shelby godzilla beaver fred tomcat august buddy airborne lifehack qqqqqq brooklyn animal
platinum phantom online xavier darkness blink182 power fish green voyager police travis 12qwaszx
heaven snowball lover abcdef pakistan walter playboy blazer cricket sniper donkey willow loveme
saturn therock redwings bigboy pumpkin trinity williams nintendo digital destiny topgun runner
marvin guinness chance bubbles testing fire november minecraft asdf1234 lasvegas sergey broncos
cartman private celtic birdie little cassie babygirl donald beatles family school louise gabriel
eclipse fluffy lol123 explorer beer nelson flyers spencer scott lovely gibson doggie cherry
andrey snickers buffalo pantera metallica member carter qwertyu peter alexande steve bronco
paradise goober samuel montana mexico dreams michigan carolina yankee friends magnum surfer
maximus genius cool vampire lacrosse asd123 aaaa christin kimberly speedy sharon carmen kristina
sammy racing ou812 sabrina horses qwerty1 baby stalker enigma star poohbear simple 12345q marcus
brian qweasdzxc drowssap hahaha caroline barbara dave viper drummer action einstein genesis
hello1 scotty friend forest hotrod google vanessa spitfire badger maryjane friday alaska
1232323q tester jester jake champion billy rock hawaii badass chevy walker stephen eagle1 bill
october gregory svetlana pamela music shorty westside stanley diesel courtney kevin hitman mark
12345qwert reddog frank qwe123 popcorn patricia aaaaaaaa teresa mozart buddha anderson paul
melanie abcdefg security lucky1 lizard denise a12345 ruslan stargate simpsons scarface eagle
123456789a thumper olivia naruto general cherokee a123456 vincent spooky qweasd free frankie
douglas death loveyou kitty kelly veronica suzuki semperfi penguin mercury liberty spirit
scotland natalie marley vikings system king allison marshall qwerty12 hummer adrian vfhbyf
sandman rocky leslie antonio softball passion mnbvcxz passport rascal howard franklin bigred
alexander homer redrum jupiter claudia zaq12wsx patches raider infinity andre galore college
russia kawasaki bishop vladimir money1 freeuser wildcats francis disney budlight brittany sweet
oksana honda domino bulldogs brutus swordfis norman monday jimmy ironman ford fantasy duncan
cougar jeffrey house dancer brooke timothy super marines justice digger connor patriots karina
molly everton tinker alicia rasdzv3 pearljam stinky naughty colorado 123123a water test123
ncc1701d motorola ireland asdfg matt houston boogie zombie accord vision bradley reggie kermit
froggy ducati avalon sarah saints logitech chopper simpson madonna juventus claire zachary
yfnfif wolverin warcraft hello123 extreme peekaboo fireman eugene brenda russell panthers
georgia smith skyline jesus elizabet spiderma smooth pirate empire bullet virginia valentin
psycho predator arizona mitchell alyssa vegeta titanic christ goblue fylhtq wolf mmmmmm kirill
indian hiphop baxter awesome people danger roland mookie dreamer bambam arnold skipper serega
rolltide elvis changeme simon 1q2w3e lovelove fktrcfylh denver tommy mine loverboy hobbes happy1
alison nemesis chevelle cardinal burton picard tweety michael1 xxxx windows turkey vfrcbv
sublime galina bobby newport manutd daddy american alexandr victory rooster qqq111 madmax
electric a1b2c3 wolfpack spring phpbb lalala spiderman eric darkside classic raptor 123456789q
hendrix wombat avatar alpha zxc123 crazy hard england brazil wildcat polina freepass
`;

/** Keyboard walks of 12 characters or more, which the top-1000 list is too short to hold. */
const KEYBOARD_WALKS = "1qaz2wsx3edc 1q2w3e4r5t6y q1w2e3r4t5y6 qazwsxedcrfv zaq12wsxcde3 qwertyuiopasdfghjkl";

/** The list as words, lowercased. */
export const COMMON_PASSWORDS: readonly string[] = `${TOP_PASSWORDS} ${KEYBOARD_WALKS}`
  .split(/\s+/)
  .filter((w) => w.length > 0);
