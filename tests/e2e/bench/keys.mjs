// What the keystroke benchmark types into #cp-search, letter by letter: names typed without
// their accents (the generated book has Aurélie, José, Müller, Zoë, François, Lefèvre, Weiß,
// Björn, Ångström, Nguyễn, Siobhán, Núñez...), e-mail fragments, phone digits, upper case,
// corrections with Backspace, and the box cleared with Backspace or Escape (a search box clears
// itself on Escape). Widening the query (Backspace) searches the whole book again: the costly
// direction.

/** [action, argument]: "type" text, "back" n times Backspace, "escape". */
const SCRIPT = [
  ["type", "aurelie durand"], ["back", 14],
  ["type", "jose garcia"], ["escape"],
  ["type", "muller"], ["back", 6],
  ["type", "zoe lovel"], ["back", 3], ["type", "ace"], ["escape"],
  ["type", "marta.0@"], ["back", 8],
  ["type", "@example.jp"], ["escape"],
  ["type", "650 529"], ["back", 7],
  ["type", "+44 20 7"], ["escape"],
  ["type", "francois lefevre"], ["back", 16],
  ["type", "weiss"], ["back", 5],
  ["type", "bjorn"], ["back", 2], ["type", "rn ang"], ["escape"],
  ["type", "nguyen"], ["back", 6],
  ["type", "siobhan tanaka"], ["back", 14],
  ["type", "ADA"], ["escape"],
  ["type", "4155"], ["escape"],
];

/** Playwright key names, one a keystroke. */
export const KEYSTROKES = SCRIPT.flatMap(([action, argument]) => {
  if (action === "type") return [...argument];
  if (action === "back") return Array(argument).fill("Backspace");
  return ["Escape"];
});
