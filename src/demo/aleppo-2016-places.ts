/**
 * aleppo-2016-places.ts — the fixed facts of the aleppo-2016 scenario: the mandates with their
 * recorded votes (public record) and the places of both routes. Gazetteer places carry the OCHA
 * P-codes copied from ../shared/data/syria-gazetteer/places.csv (2013/2014 COD); the places that
 * gazetteer lacks (Aleppo neighbourhoods, Khan al-Asal, the Jibreen near Aleppo) are ad-hoc points
 * with approximate coordinates and their enclosing unit as context, as its README advises.
 */
import type { Mandate, PlaceRef } from '../ops/index.js';

// ── Gazetteer places (places.csv rows, copied verbatim) ─────────────────────────────────────────

/** C1007,Aleppo,حلب,4,SY02,SY0200,SY020000,36.203115,37.140868 — Aleppo city (variant "Aleppo city"). */
export const ALEPPO_CITY: PlaceRef = {
  pcode: 'C1007',
  name: 'Aleppo city',
  nameAr: 'حلب',
  lat: 36.203115,
  lon: 37.140868,
  adm1Pcode: 'SY02',
};
/** C3871,Idleb,إدلب,4,SY07,SY0700,SY070000,35.931991,36.634909 — Idleb city (variant "Idlib"). */
export const IDLEB_CITY: PlaceRef = {
  pcode: 'C3871',
  name: 'Idleb city',
  nameAr: 'إدلب',
  lat: 35.931991,
  lon: 36.634909,
  adm1Pcode: 'SY07',
};
/** SY07,Idleb,إدلب,1 — Idleb governorate, the destination area (centroid 35.785113, 36.682283). */
export const IDLEB_GOVERNORATE: PlaceRef = {
  pcode: 'SY07',
  name: 'Idleb governorate',
  nameAr: 'محافظة إدلب',
  lat: 35.785113,
  lon: 36.682283,
  adm1Pcode: 'SY07',
};
/** C3905,Foah,الفوعة,4,SY07,SY0700,SY070002,35.982916,36.702210 — al-Fu'ah (variant "al-Fu'ah"). */
export const AL_FUAH: PlaceRef = {
  pcode: 'C3905',
  name: "al-Fu'ah",
  nameAr: 'الفوعة',
  lat: 35.982916,
  lon: 36.70221,
  adm1Pcode: 'SY07',
};
/**
 * C3952,Kafraya Maar Tamsarin,كفريا معرتمصرين,4,SY07,SY0700,SY070005,35.990715,36.677525 — Kafraya
 * near al-Fu'ah (variant "Kafraya"; not C4045 Kafraya Elmaarra).
 */
export const KAFRAYA: PlaceRef = {
  pcode: 'C3952',
  name: 'Kafraya',
  nameAr: 'كفريا',
  lat: 35.990715,
  lon: 36.677525,
  adm1Pcode: 'SY07',
};

// ── Ad-hoc places (not in the gazetteer; coordinates approximate) ───────────────────────────────

/** The last opposition-held enclave of eastern Aleppo (al-Amiriyah, al-Sukkari); inside C1007. */
export const EASTERN_ALEPPO: PlaceRef = {
  name: 'Eastern Aleppo (al-Amiriyah / al-Sukkari)',
  nameAr: 'حلب الشرقية (العامرية / السكري)',
  lat: 36.18,
  lon: 37.16,
  approximate: true,
  contextPcode: 'C1007',
};
/** Ramouseh (الراموسة), a southern quarter of Aleppo city; no gazetteer row. */
export const RAMOUSEH: PlaceRef = {
  name: 'Ramouseh',
  nameAr: 'الراموسة',
  lat: 36.17,
  lon: 37.135,
  approximate: true,
  contextPcode: 'C1007',
};
/** al-Rashideen (الراشدين), a western quarter of Aleppo city; no gazetteer row. */
export const AL_RASHIDEEN: PlaceRef = {
  name: 'al-Rashideen',
  nameAr: 'الراشدين',
  lat: 36.2,
  lon: 37.06,
  approximate: true,
  contextPcode: 'C1007',
};
/** Khan al-Asal (خان العسل), western rural Aleppo, about 36.167 N 37.039 E (gazetteer README). */
export const KHAN_AL_ASAL: PlaceRef = {
  name: 'Khan al-Asal',
  nameAr: 'خان العسل',
  lat: 36.167,
  lon: 37.039,
  approximate: true,
  contextPcode: 'SY020000',
};
/** Jibreen (جبرين) on the eastern edge of Aleppo city, not the Hama village C2969 "Jirbeen". */
export const JIBREEN: PlaceRef = {
  name: 'Jibreen',
  nameAr: 'جبرين',
  lat: 36.2,
  lon: 37.22,
  approximate: true,
  contextPcode: 'C1007',
};

// ── Mandates (public record) ────────────────────────────────────────────────────────────────────

/** UNSC resolution 2328 (2016), 19 Dec 2016, adopted unanimously 15–0–0: UN monitoring of the evacuations. */
export const UNSC_2328: Mandate = {
  id: 'mandate-unsc-2328',
  body: 'security-council',
  instrument: 'S/RES/2328 (2016)',
  date: '2016-12-19',
  textRef: 'https://undocs.org/S/RES/2328(2016)',
  title: 'UN and other relevant institutions to carry out monitoring of evacuations from eastern Aleppo',
  vote: { yes: 15, no: 0, abstain: 0, membership: 15 },
  unanimous: true,
};

/**
 * UNGA resolution 71/248, 21 Dec 2016, 105–15–52 of 193 members (21 not voting): establishes the
 * International, Impartial and Independent Mechanism (IIIM). It is the accountability mandate the
 * evidence serves, not a basis of the evacuation, so no operation lists it.
 */
export const UNGA_71_248: Mandate = {
  id: 'mandate-unga-71-248',
  body: 'general-assembly',
  instrument: 'A/RES/71/248',
  date: '2016-12-21',
  textRef: 'https://undocs.org/A/RES/71/248',
  title: 'International, Impartial and Independent Mechanism (Syria)',
  vote: { yes: 105, no: 15, abstain: 52, membership: 193 },
};

/** The parties' evacuation agreement, as publicly reported; its text is not public (synthetic ref). */
export const PARTIES_AGREEMENT: Mandate = {
  id: 'mandate-parties-2016-12',
  body: 'parties-agreement',
  instrument: "Eastern Aleppo – al-Fu'ah/Kafraya evacuation agreement (December 2016)",
  date: '2016-12-13',
  textRef: 'synthetic: terms as publicly reported; no authoritative text',
};
