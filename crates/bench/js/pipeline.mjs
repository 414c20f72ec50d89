// The same job as contact-picker's core (parse + normalize + merge), done with the libraries a
// front-end developer would reach for: papaparse (CSV), ical.js (vCard), validator's isEmail,
// libphonenumber-js (E.164), String.prototype.normalize (NFC) and a Map for de-duplication.
// Usage: node pipeline.mjs FILE... [--region CC] [--repeat N]; prints one JSON line per file.
import fs from 'node:fs';
import Papa from 'papaparse';
import ICAL from 'ical.js';
import isEmail from 'validator/lib/isEmail.js';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const region = flag('--region', 'US');
const repeat = Number(flag('--repeat', '3'));
const files = args.filter((a, i) => !a.startsWith('--') && !(i > 0 && args[i - 1].startsWith('--')));

const clean = (s) => (s ?? '').normalize('NFC').replace(/\s+/g, ' ').trim();

function email(raw) {
  const trimmed = clean(raw);
  if (!trimmed || !isEmail(trimmed)) return null;
  const at = trimmed.lastIndexOf('@');
  return trimmed.slice(0, at) + '@' + trimmed.slice(at + 1).toLowerCase();
}

function phone(raw) {
  const parsed = parsePhoneNumberFromString(raw ?? '', region);
  return parsed ? { number: parsed.number, raw } : raw ? { number: raw.replace(/[^+\d]/g, ''), raw } : null;
}

function contact(given, family, display, emails, phones, groups) {
  given = clean(given);
  family = clean(family);
  return {
    name: { display: clean(display) || [given, family].filter(Boolean).join(' '), given, family },
    emails: emails.map(email).filter(Boolean),
    phones: phones.map(phone).filter(Boolean),
    groups,
  };
}

function fromCsv(text) {
  const { data } = Papa.parse(text, { header: true, skipEmptyLines: true });
  return data.map((row) =>
    contact(
      row['First Name'],
      row['Last Name'],
      '',
      (row['E-mail 1 - Value'] ?? '').split(' ::: '),
      (row['Phone 1 - Value'] ?? '').split(' ::: '),
      (row['Labels'] ?? '').split(' ::: ').map((g) => g.replace(/^\* /, '')),
    ),
  );
}

function fromVcard(text) {
  let parsed = ICAL.parse(text);
  if (typeof parsed[0] === 'string') parsed = [parsed];
  return parsed.map((jcard) => {
    const card = new ICAL.Component(jcard);
    const n = card.getFirstPropertyValue('n') ?? [];
    const values = (name) => card.getAllProperties(name).map((p) => String(p.getFirstValue() ?? ''));
    return contact(n[1], n[0], card.getFirstPropertyValue('fn'), values('email'), values('tel'), values('categories'));
  });
}

function merge(contacts) {
  const byKey = new Map();
  const out = [];
  for (const c of contacts) {
    const keys = [...c.emails.map((e) => 'e:' + e.toLowerCase()), ...c.phones.map((p) => 'p:' + p.number)];
    const existing = keys.map((k) => byKey.get(k)).find(Boolean);
    if (existing) {
      for (const e of c.emails) if (!existing.emails.some((x) => x.toLowerCase() === e.toLowerCase())) existing.emails.push(e);
      for (const p of c.phones) if (!existing.phones.some((x) => x.number === p.number)) existing.phones.push(p);
      for (const k of keys) byKey.set(k, existing);
    } else {
      out.push(c);
      for (const k of keys) byKey.set(k, c);
    }
  }
  return out;
}

for (const file of files) {
  const bytes = fs.readFileSync(file);
  let best = Infinity;
  let peak = 0;
  let records = 0;
  let out = 0;
  for (let i = 0; i < repeat; i++) {
    globalThis.gc?.();
    const before = process.memoryUsage().heapUsed;
    const start = performance.now();
    const text = new TextDecoder().decode(bytes);
    const contacts = file.endsWith('.csv') ? fromCsv(text) : fromVcard(text);
    peak = Math.max(peak, process.memoryUsage().heapUsed - before);
    const merged = merge(contacts);
    const json = JSON.stringify(merged);
    const seconds = (performance.now() - start) / 1000;
    peak = Math.max(peak, process.memoryUsage().heapUsed - before);
    best = Math.min(best, seconds);
    records = contacts.length;
    out = merged.length;
    if (!json.length) throw new Error('empty output');
  }
  console.log(JSON.stringify({
    runner: 'js',
    file,
    input_bytes: bytes.length,
    records,
    contacts_out: out,
    seconds: best,
    contacts_per_s: Math.round(records / best),
    mb_per_s: Math.round((bytes.length / 1e6 / best) * 100) / 100,
    peak_heap_bytes: peak,
  }));
}
