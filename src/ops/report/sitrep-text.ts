/**
 * sitrep-text.ts — the words of a situation report in the reader's language (issue 16.4):
 * headings, labels, the names of statuses, kinds, severities and states, counted nouns with the
 * language's plural forms (Intl.PluralRules: Arabic has zero, one, two, few, many and other),
 * numbers and times in the locale's conventions, and each caveat as a sentence.
 *
 * The Arabic follows the web app's wording (web/src/i18n/ar.ts) so that a report reads like the
 * screen it was downloaded from. Arabic reports use the `ar-SY` locale: Arabic-Indic digits and
 * the Levantine month names (كانون الأول) of the people the reports are about. What a planner,
 * monitor or source typed (names, markings, notes) is data and stays as written.
 */
import type { AlertKind, AlertSeverity, AlertState, OperationStatus } from '../model.js';

export const SITREP_LANGUAGES = ['en', 'ar'] as const;
export type SitrepLanguage = (typeof SITREP_LANGUAGES)[number];

/** A caveat as facts; the words come from the reader's language (caveatText). */
export type Caveat =
  | { readonly code: 'single-source'; readonly counts: number; readonly arrivals: number }
  | { readonly code: 'disputed'; readonly counts: number }
  | { readonly code: 'tie'; readonly counts: number }
  | { readonly code: 'held'; readonly observations: number }
  /** Route points that stopped reporting while vehicles are due there (point-not-reporting). */
  | { readonly code: 'not-reporting'; readonly points: number; readonly vehicles: number }
  | { readonly code: 'uncounted-arrivals'; readonly vehicles: number }
  | { readonly code: 'people-unaccounted'; readonly vehicles: number }
  | { readonly code: 'in-transit'; readonly vehicles: number; readonly people: number }
  | {
      readonly code: 'missing';
      readonly vehicles: number;
      readonly people: number;
      /** Markings of the first vehicles (data, shown as written); `vehicles` says how many in all. */
      readonly markings: readonly string[];
    }
  | { readonly code: 'sources-diverge'; readonly min: number; readonly max: number }
  /** A training operation (issue 13.8): said first, in every report. */
  | { readonly code: 'exercise' };

/** The figures of the Markdown form's summary sentence. */
export interface MarkdownSummary {
  readonly planned: number;
  readonly transit: { readonly vehicles: number; readonly people: number };
  readonly missing: { readonly vehicles: number; readonly people: number };
  readonly turnedBack: number;
}

type Unit = 'people' | 'vehicles' | 'counts' | 'observations';

/** Plural forms by Intl.PluralRules category; `{n}` is the formatted number. */
type Forms = Partial<Record<Intl.LDMLPluralRule, string>> & { readonly other: string };

interface Words {
  readonly direction: 'ltr' | 'rtl';
  readonly locale: string;
  readonly title: string;
  readonly generated: string;
  readonly period: string;
  readonly upTo: string;
  readonly status: string;
  readonly mandates: string;
  readonly headings: {
    readonly totals: string;
    readonly points: string;
    readonly linked: string;
    readonly reported: string;
    readonly alerts: string;
    /** The alerts table's name without the count, for "(continued)". */
    readonly alertsTable: string;
    readonly caveats: string;
  };
  readonly linkRules: {
    readonly gates: string;
    /** Names of the link kinds, for a link the other operation declared. */
    readonly kinds: { readonly gates: string; readonly reciprocal: string };
    readonly reciprocal: string;
    readonly declaredBy: string;
  };
  /** Words only the Markdown form uses. */
  readonly markdown: {
    readonly title: string;
    readonly vehicles: string;
    readonly at: string;
    readonly raised: string;
    readonly summary: (s: MarkdownSummary, t: SitrepText) => string;
  };
  readonly totals: {
    readonly figure: string;
    readonly value: string;
    readonly people: string;
    readonly vehiclesAll: string;
    readonly medical: string;
    readonly planned: string;
    readonly inTransit: string;
    readonly missing: string;
    readonly turnedBack: string;
  };
  readonly pointColumns: readonly [string, string, string, string, string, string, string];
  readonly adHoc: string;
  readonly linkedColumns: readonly [string, string, string, string, string];
  readonly reportedColumns: readonly [string, string, string];
  readonly range: string;
  readonly alertColumns: readonly [string, string, string, string, string, string];
  readonly none: string;
  readonly noCaveats: string;
  readonly continued: string;
  readonly page: string;
  readonly generatedShort: string;
  readonly statusNames: Readonly<Record<OperationStatus, string>>;
  readonly pointKinds: Readonly<Record<string, string>>;
  readonly vehicleKinds: Readonly<Record<string, string>>;
  readonly alertKinds: Readonly<Record<AlertKind, string>>;
  readonly severities: Readonly<Record<AlertSeverity, string>>;
  readonly states: Readonly<Record<AlertState, string>>;
  readonly units: Readonly<Record<Unit, Forms>>;
  /** Heads every report of an exercise (training) operation (issue 13.8). */
  readonly exerciseBanner: string;
  readonly caveats: {
    readonly [C in Caveat['code']]: (c: Extract<Caveat, { code: C }>, t: SitrepText) => string;
  };
  readonly list: string;
}

const EN: Words = {
  direction: 'ltr',
  locale: 'en-GB',
  title: 'Situation report — {name}',
  generated: 'Generated',
  period: 'Period',
  upTo: 'up to {to}',
  status: 'Status',
  mandates: 'Mandates',
  headings: {
    totals: 'Totals',
    points: 'Per route point',
    linked: 'Linked operations',
    reported: "Sources' reported totals",
    alerts: 'Alerts ({n})',
    alertsTable: 'Alerts',
    caveats: 'Caveats',
  },
  linkRules: {
    gates: 'gates: may lead by ≤ {percent}',
    kinds: { gates: 'gates', reciprocal: 'reciprocal' },
    reciprocal: 'reciprocal',
    declaredBy: '{rule} (from {operation})',
  },
  markdown: {
    title: 'Situation report: {name}',
    vehicles: 'Vehicles',
    at: 'At',
    raised: 'Raised',
    summary: (s, t) =>
      `Planned: ${t.number(s.planned)} people. In transit: ${t.number(s.transit.vehicles)} vehicles, ${t.number(s.transit.people)} people. Missing (never arrived): ${t.number(s.missing.vehicles)} vehicles, ${t.number(s.missing.people)} people. Turned back: ${t.number(s.turnedBack)} vehicles.`,
  },
  totals: {
    figure: 'Figure',
    value: 'Value',
    people: 'People',
    vehiclesAll: 'Vehicles (all kinds)',
    medical: 'Medical evacuations',
    planned: 'Planned (people)',
    inTransit: 'In transit',
    missing: 'Missing (never arrived)',
    turnedBack: 'Turned back (vehicles)',
  },
  pointColumns: ['#', 'Point', 'P-code', 'Kind', 'Vehicles', 'People', 'Uncounted'],
  adHoc: 'ad hoc',
  linkedColumns: ['Operation', 'Rule', 'People arrived', 'Planned', 'Progress'],
  reportedColumns: ['Source', 'Total', 'At (UTC)'],
  range: 'Range: {min} – {max}',
  alertColumns: ['Severity', 'Kind', 'Subject', 'State', 'Raised (UTC)', 'Note'],
  none: 'None.',
  noCaveats: 'None: every arrival count is corroborated.',
  continued: '{title} (continued)',
  page: 'Page {n} of {m}',
  generatedShort: 'generated {at}',
  statusNames: {
    planned: 'planned',
    active: 'active',
    suspended: 'suspended',
    resumed: 'resumed',
    completed: 'completed',
  },
  pointKinds: {
    origin: 'origin',
    checkpoint: 'checkpoint',
    waypoint: 'waypoint',
    destination: 'destination',
  },
  vehicleKinds: { bus: 'Buses', ambulance: 'Ambulances', private: 'Private vehicles', truck: 'Trucks' },
  alertKinds: {
    'people-unaccounted': 'people-unaccounted',
    'vehicle-overdue': 'vehicle-overdue',
    'excessive-dwell': 'excessive-dwell',
    'vehicle-missing-at-arrival': 'vehicle-missing-at-arrival',
    'convoy-turned-back': 'convoy-turned-back',
    'operation-stalled': 'operation-stalled',
    'linked-operation-out-of-step': 'linked-operation-out-of-step',
    'conflicting-observations': 'conflicting-observations',
    'route-point-unmonitored': 'route-point-unmonitored',
    'source-totals-diverge': 'source-totals-diverge',
    'conflicting-reports': 'conflicting-reports',
    'point-not-reporting': 'point-not-reporting',
    'operation-no-news': 'operation-no-news',
  },
  severities: { info: 'info', warning: 'warning', critical: 'critical' },
  states: { open: 'open', acknowledged: 'acknowledged', resolved: 'resolved' },
  units: {
    people: { one: '{n} person', other: '{n} people' },
    vehicles: { one: '{n} vehicle', other: '{n} vehicles' },
    counts: { one: '{n} count', other: '{n} counts' },
    observations: { one: '{n} observation', other: '{n} observations' },
  },
  exerciseBanner: 'EXERCISE — NOT A REAL OPERATION',
  caveats: {
    exercise: () =>
      'EXERCISE — NOT A REAL OPERATION: a training operation; nothing in this report happened to real people.',
    'single-source': (c, t) =>
      `${t.number(c.counts)} of ${t.number(c.arrivals)} arrival counts rest on a single monitor and are not corroborated.`,
    disputed: (c, t) =>
      `${t.number(c.counts)} counts had conflicting observations; the figure most monitors gave is used.`,
    tie: (c, t) =>
      `${t.number(c.counts)} counts are a tie between monitors (no majority); the lower figure is used and the range is in the alerts.`,
    held: (c, t) =>
      `${t.number(c.observations)} observations are held: a device sent different reports under one id; they count once a coordinator chooses.`,
    'not-reporting': (c, t) =>
      `${c.points === 1 ? 'A route point has' : `${t.number(c.points)} route points have`} stopped reporting while ${t.count('vehicles', c.vehicles)} ${c.vehicles === 1 ? 'is' : 'are'} due there: what happened there after their last report is not in this report.`,
    'uncounted-arrivals': (c, t) =>
      `${t.number(c.vehicles)} arrived vehicles were counted only in group observations; their people are not in the total.`,
    'people-unaccounted': (c, t) =>
      `${t.number(c.vehicles)} vehicles arrived or travel with fewer people than they left with.`,
    'in-transit': (c, t) =>
      `${t.number(c.vehicles)} vehicles (${t.number(c.people)} people) are still in transit.`,
    missing: (c, t) =>
      `${t.number(c.vehicles)} vehicles (${t.number(c.people)} people) left and never arrived before the operation ended: missing (${t.markings(c.markings, c.vehicles)}).`,
    'sources-diverge': (c, t) =>
      `Sources' reported totals range from ${t.number(c.min)} to ${t.number(c.max)}; the totals above are monitors' counts.`,
  },
  list: ', ',
};

const AR: Words = {
  direction: 'rtl',
  locale: 'ar-SY',
  title: 'تقرير الوضع — {name}',
  generated: 'تاريخ الإعداد',
  period: 'الفترة',
  upTo: 'حتى {to}',
  status: 'الحالة',
  mandates: 'الولايات',
  headings: {
    totals: 'المجاميع',
    points: 'حسب نقطة المسار',
    linked: 'العمليات المرتبطة',
    reported: 'المجاميع التي أبلغت عنها المصادر',
    alerts: 'التنبيهات ({n})',
    alertsTable: 'التنبيهات',
    caveats: 'تحفّظات',
  },
  linkRules: {
    gates: 'مشروطة: يجوز أن تتقدّم بفارق ≤ {percent}',
    kinds: { gates: 'مشروطة', reciprocal: 'متبادلة' },
    reciprocal: 'متبادلة',
    declaredBy: '{rule} (من {operation})',
  },
  markdown: {
    title: 'تقرير الوضع: {name}',
    vehicles: 'المركبات',
    at: 'الوقت',
    raised: 'وقت الإطلاق',
    summary: (s, t) =>
      `المخطّط: ${t.count('people', s.planned)}. في الطريق: ${t.count('vehicles', s.transit.vehicles)}، ${t.count('people', s.transit.people)}. مفقودة (لم تصل): ${t.count('vehicles', s.missing.vehicles)}، ${t.count('people', s.missing.people)}. أُعيدت: ${t.count('vehicles', s.turnedBack)}.`,
  },
  totals: {
    figure: 'المؤشّر',
    value: 'القيمة',
    people: 'الأشخاص الواصلون',
    vehiclesAll: 'المركبات (كل الأنواع)',
    medical: 'الإجلاء الطبي',
    planned: 'المخطّط (أشخاص)',
    inTransit: 'في الطريق',
    missing: 'مفقودة (لم تصل)',
    turnedBack: 'أُعيدت (مركبات)',
  },
  pointColumns: ['#', 'النقطة', 'الرمز', 'النوع', 'المركبات', 'الأشخاص', 'بلا عدد'],
  adHoc: 'نقطة طارئة',
  linkedColumns: ['العملية', 'القاعدة', 'الواصلون', 'المخطّط', 'التقدّم'],
  reportedColumns: ['المصدر', 'المجموع', 'الوقت (UTC)'],
  range: 'المدى: {min} – {max}',
  alertColumns: ['الخطورة', 'النوع', 'الموضوع', 'الحالة', 'وقت الإطلاق (UTC)', 'ملاحظة'],
  none: 'لا شيء.',
  noCaveats: 'لا شيء: كل أعداد الوصول مؤكَّدة من أكثر من مراقب.',
  continued: '{title} (تتمة)',
  page: 'الصفحة {n} من {m}',
  generatedShort: 'أُعدّ في {at}',
  statusNames: {
    planned: 'مخطّطة',
    active: 'جارية',
    suspended: 'معلّقة',
    resumed: 'مستأنفة',
    completed: 'مكتملة',
  },
  pointKinds: {
    origin: 'نقطة الانطلاق',
    checkpoint: 'نقطة تفتيش',
    waypoint: 'نقطة عبور',
    destination: 'الوجهة',
  },
  vehicleKinds: {
    bus: 'الحافلات',
    ambulance: 'سيارات الإسعاف',
    private: 'المركبات الخاصة',
    truck: 'الشاحنات',
  },
  alertKinds: {
    'people-unaccounted': 'أشخاص مجهولو المصير',
    'vehicle-overdue': 'مركبة متأخرة',
    'excessive-dwell': 'احتجاز طويل عند نقطة تفتيش',
    'vehicle-missing-at-arrival': 'مركبة مفقودة عند الوصول',
    'convoy-turned-back': 'قافلة أُعيدت',
    'operation-stalled': 'العملية متوقّفة',
    'linked-operation-out-of-step': 'العملية المرتبطة غير متزامنة',
    'conflicting-observations': 'ملاحظات متعارضة',
    'route-point-unmonitored': 'نقطة مسار بلا رصد',
    'source-totals-diverge': 'المصادر مختلفة في المجاميع',
    'conflicting-reports': 'تقارير متضاربة من جهاز واحد',
    'point-not-reporting': 'نقطة لا ترسل تقارير',
    'operation-no-news': 'لا أخبار من أي مراقب',
  },
  severities: { info: 'معلومة', warning: 'تحذير', critical: 'حرج' },
  states: { open: 'مفتوح', acknowledged: 'تم الإقرار', resolved: 'تمت المعالجة' },
  units: {
    people: {
      zero: '{n} شخص',
      one: 'شخص واحد',
      two: 'شخصان',
      few: '{n} أشخاص',
      many: '{n} شخصًا',
      other: '{n} شخص',
    },
    vehicles: {
      zero: '{n} مركبة',
      one: 'مركبة واحدة',
      two: 'مركبتان',
      few: '{n} مركبات',
      many: '{n} مركبةً',
      other: '{n} مركبة',
    },
    counts: {
      zero: '{n} عدّ',
      one: 'عدّ واحد',
      two: 'عدّان',
      few: '{n} عدّات',
      many: '{n} عدًّا',
      other: '{n} عدّ',
    },
    observations: {
      zero: '{n} ملاحظة',
      one: 'ملاحظة واحدة',
      two: 'ملاحظتان',
      few: '{n} ملاحظات',
      many: '{n} ملاحظةً',
      other: '{n} ملاحظة',
    },
  },
  exerciseBanner: 'تمرين — ليست عملية حقيقية',
  caveats: {
    exercise: () =>
      'تمرين — ليست عملية حقيقية: عملية تدريبية؛ لم يحدث شيء ممّا في هذا التقرير لأشخاص حقيقيين.',
    'single-source': (c, t) =>
      `${t.count('counts', c.counts)} من أصل ${t.number(c.arrivals)} من أعداد الوصول تستند إلى مراقب واحد ولم تؤكَّد.`,
    disputed: (c, t) =>
      `${t.count('counts', c.counts)} فيها ملاحظات متعارضة؛ اعتُمد الرقم الذي أعطاه أكثر المراقبين.`,
    tie: (c, t) =>
      `${t.count('counts', c.counts)} فيها تعادل بين المراقبين (لا أغلبية)؛ اعتُمد الرقم الأدنى، والمدى مذكور في التنبيهات.`,
    held: (c, t) =>
      `${t.count('observations', c.observations)} معلّقة: أرسل جهاز تقارير مختلفة تحت معرّف واحد؛ تُحتسب حين يختار المنسّق.`,
    'not-reporting': (c, t) =>
      `نقاط مسار توقّفت عن إرسال التقارير: ${t.number(c.points)}، والمستحقّ وصولها إليها ${t.count('vehicles', c.vehicles)}؛ ما جرى هناك بعد آخر تقرير منها ليس في هذا التقرير.`,
    'uncounted-arrivals': (c, t) =>
      `${t.count('vehicles', c.vehicles)} وصلت ولم تُعدّ إلا في ملاحظات جماعية؛ ركّابها غير داخلين في المجموع.`,
    'people-unaccounted': (c, t) =>
      `${t.count('vehicles', c.vehicles)} وصلت أو تسير وعلى متنها أقل ممّن انطلقوا بها.`,
    'in-transit': (c, t) =>
      `${t.count('vehicles', c.vehicles)} (${t.count('people', c.people)}) لا تزال في الطريق.`,
    missing: (c, t) =>
      `${t.count('vehicles', c.vehicles)} (${t.count('people', c.people)}) انطلقت ولم تصل قبل انتهاء العملية: مفقودة (${t.markings(c.markings, c.vehicles)}).`,
    'sources-diverge': (c, t) =>
      `تتراوح المجاميع التي أبلغت عنها المصادر بين ${t.number(c.min)} و${t.number(c.max)}؛ والمجاميع أعلاه هي أعداد المراقبين.`,
  },
  list: '، ',
};

/** SitrepText is one language's words and formatters. */
export interface SitrepText {
  readonly language: SitrepLanguage;
  readonly words: Words;
  number(n: number): string;
  /** percent shows whole percentage points (`45` → "45%", "٤٥٪"). */
  percent(points: number): string;
  /** linkRule says how a linked operation is tied to this one. */
  linkRule(rule: {
    kind: 'gates' | 'reciprocal';
    maxLeadPercent: number | null;
    declaredBy: string | null;
  }): string;
  /** count says "5 people" / "٥ أشخاص" with the language's plural form. */
  count(unit: Unit, n: number): string;
  /** time shows an instant in UTC: `2016-12-15 08:30 UTC`, or the Arabic locale's long form. */
  time(iso: string): string;
  /** fill replaces `{key}` in a template. */
  fill(template: string, values: Readonly<Record<string, string | number>>): string;
  markings(markings: readonly string[], all: number): string;
  caveat(c: Caveat): string;
  /** local is a record's Arabic name in an Arabic report when it has one, else its name. */
  local(x: { readonly name: string; readonly nameAr?: string | null }): string;
  name<K extends string>(names: Readonly<Record<string, string>>, key: K): string;
}

/** sitrepText returns the words of `language`. */
export function sitrepText(language: SitrepLanguage): SitrepText {
  const words = language === 'ar' ? AR : EN;
  const num = new Intl.NumberFormat(words.locale);
  const plural = new Intl.PluralRules(words.locale);
  const pct = new Intl.NumberFormat(words.locale, { style: 'percent', maximumFractionDigits: 0 });
  const arTime = new Intl.DateTimeFormat(words.locale, {
    dateStyle: 'long',
    timeStyle: 'short',
    timeZone: 'UTC',
  });
  const text: SitrepText = {
    language,
    words,
    number: (n) => num.format(n),
    percent: (points) => pct.format(points / 100),
    linkRule(rule) {
      // A link the other operation declared binds that one: name its kind, not this one's limit.
      if (rule.declaredBy !== null)
        return text.fill(words.linkRules.declaredBy, {
          rule: words.linkRules.kinds[rule.kind],
          operation: rule.declaredBy,
        });
      return rule.kind === 'gates'
        ? text.fill(words.linkRules.gates, { percent: text.percent(rule.maxLeadPercent ?? 0) })
        : words.linkRules.reciprocal;
    },
    count(unit, n) {
      const forms = words.units[unit];
      return (forms[plural.select(n)] ?? forms.other).replace('{n}', num.format(n));
    },
    time(iso) {
      const m = /^(\d{4}-\d\d-\d\d)T(\d\d:\d\d)(:\d\d)?(\.\d+)?Z$/.exec(iso);
      if (!m) return iso;
      if (language === 'ar') return `${arTime.format(new Date(iso))} UTC`;
      const seconds = m[3] && m[3] !== ':00' ? m[3] : '';
      return `${m[1]} ${m[2]}${seconds} UTC`;
    },
    fill: (template, values) =>
      template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in values ? String(values[key]) : whole)),
    markings: (markings, all) => markings.join(words.list) + (all > markings.length ? `${words.list}…` : ''),
    local: (x) => (language === 'ar' && x.nameAr ? x.nameAr : x.name),
    caveat: (c) => (words.caveats[c.code] as (c: Caveat, t: SitrepText) => string)(c, text),
    // A kind or status this version does not know (from a newer plan) shows as stored.
    name: (names, key) => names[key] ?? key,
  };
  return text;
}

/** sitrepLanguage picks the report's language from a `lang` value or an Accept-Language header. */
export function sitrepLanguage(lang: string | undefined, acceptLanguage?: string): SitrepLanguage {
  if (lang !== undefined)
    return (SITREP_LANGUAGES as readonly string[]).includes(lang) ? (lang as SitrepLanguage) : 'en';
  // The first listed language we have wins (q-values are rarely other than descending).
  for (const part of (acceptLanguage ?? '').split(',').slice(0, 20)) {
    const tag = part.split(';')[0]!.trim().toLowerCase().split('-')[0];
    if (tag === 'ar' || tag === 'en') return tag;
  }
  return 'en';
}
