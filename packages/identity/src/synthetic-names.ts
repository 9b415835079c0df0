import type { SeededRandom } from "./random.ts";

/**
 * Name material for the synthetic population: common US given names and surnames (general
 * knowledge, in rough order of frequency, no real people), written with the accents, particles,
 * apostrophes and hyphens registration systems actually hold. A generated long tail of surnames
 * and given names keeps random agreement realistic (a population of a few hundred names would
 * make every surname "common").
 */
// biome-ignore format: a dense table reads better than one name per line
export const MALE_GIVEN = [
  "James", "Robert", "John", "Michael", "David", "William", "Richard", "Joseph", "Thomas", "Charles",
  "Christopher", "Daniel", "Matthew", "Anthony", "Mark", "Donald", "Steven", "Paul", "Andrew", "Joshua",
  "Kenneth", "Kevin", "Brian", "George", "Timothy", "Ronald", "Edward", "Jason", "Jeffrey", "Ryan",
  "Jacob", "Gary", "Nicholas", "Eric", "Jonathan", "Stephen", "Larry", "Justin", "Scott", "Brandon",
  "Benjamin", "Samuel", "Gregory", "Alexander", "Frank", "Patrick", "Raymond", "Jack", "Dennis", "Jerry",
  "José", "Luis", "Carlos", "Juan", "Jesús", "Miguel", "Francisco", "Alejandro", "Eduardo", "Jayden",
  "Liam", "Noah", "Elijah", "Mateo", "Lucas", "Henry", "Theodore", "Oliver", "Ethan", "Aiden",
] as const;

// biome-ignore format: a dense table reads better than one name per line
export const FEMALE_GIVEN = [
  "Mary", "Patricia", "Jennifer", "Linda", "Elizabeth", "Barbara", "Susan", "Jessica", "Sarah", "Karen",
  "Lisa", "Nancy", "Betty", "Margaret", "Sandra", "Ashley", "Kimberly", "Emily", "Donna", "Michelle",
  "Carol", "Amanda", "Dorothy", "Melissa", "Deborah", "Stephanie", "Rebecca", "Sharon", "Laura", "Cynthia",
  "Kathleen", "Amy", "Angela", "Shirley", "Anna", "Brenda", "Pamela", "Emma", "Nicole", "Helen",
  "Samantha", "Katherine", "Christine", "Debra", "Rachel", "Carolyn", "Janet", "Catherine", "Maria", "Heather",
  "María", "Guadalupe", "Sofía", "Lucía", "Ximena", "Valentina", "Camila", "Isabella", "Mia", "Zoe",
  "Olivia", "Ava", "Charlotte", "Amelia", "Harper", "Evelyn", "Abigail", "Madeline", "Chloe", "Victoria",
] as const;

// biome-ignore format: a dense table reads better than one name per line
export const SURNAMES = [
  "Smith", "Johnson", "Williams", "Brown", "Jones", "Garcia", "Miller", "Davis", "Rodriguez", "Martinez",
  "Hernandez", "Lopez", "Gonzalez", "Wilson", "Anderson", "Thomas", "Taylor", "Moore", "Jackson", "Martin",
  "Lee", "Perez", "Thompson", "White", "Harris", "Sanchez", "Clark", "Ramirez", "Lewis", "Robinson",
  "Walker", "Young", "Allen", "King", "Wright", "Scott", "Torres", "Nguyen", "Hill", "Flores",
  "Green", "Adams", "Nelson", "Baker", "Hall", "Rivera", "Campbell", "Mitchell", "Carter", "Roberts",
  "Gomez", "Phillips", "Evans", "Turner", "Diaz", "Parker", "Cruz", "Edwards", "Collins", "Reyes",
  "Stewart", "Morris", "Morales", "Murphy", "Cook", "Rogers", "Gutierrez", "Ortiz", "Morgan", "Cooper",
  "Peterson", "Bailey", "Reed", "Kelly", "Howard", "Ramos", "Kim", "Cox", "Ward", "Richardson",
  "O'Brien", "McDonald", "De La Cruz", "Van Dyke", "Muñoz", "Peña", "St. John", "D'Angelo", "Nuñez", "Ibáñez",
  "MacLeod", "Van der Berg", "Del Rosario", "García-López", "Smith-Jones", "Núñez", "O'Connor", "Le", "Tran", "Pham",
] as const;

// biome-ignore format: a dense table reads better than one name per line
const ONSETS = ["B", "C", "D", "F", "G", "H", "J", "K", "L", "M", "N", "P", "R", "S", "T", "V", "W", "Br", "Ch", "Gr", "St", "Th", "Tr"];
// biome-ignore format: a dense table reads better than one name per line
const VOWELS = ["a", "e", "i", "o", "u", "ai", "ea", "ou"];
// biome-ignore format: a dense table reads better than one name per line
const CODAS = ["", "n", "r", "l", "s", "th", "rd", "ng", "ck", "tt", "ll", "son", "ton", "man", "ley", "ner", "ski", "berg", "field"];

/** A pronounceable invented name (the long tail): 2–3 syllables, capitalized. */
export function inventedName(random: SeededRandom): string {
  const syllables = 2 + random.int(2);
  let out = "";
  for (let i = 0; i < syllables; i++) {
    out += (i === 0 ? random.pick(ONSETS) : random.pick(ONSETS).toLowerCase()) + random.pick(VOWELS);
  }
  return out + random.pick(CODAS);
}
