/**
 * ar-search.ts — Arabic strings of the search screen (the same keys as en-search.ts).
 */
import type { enSearch } from './en-search.js';

type Shape<T> = { readonly [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };

export const arSearch: Shape<typeof enSearch> = {
  search: {
    title: 'البحث في الأدلة',
    query: 'عبارة البحث',
    placeholder: 'كلمات، «عبارة»، أو عوامل التصفية المشروحة أدناه',
    sort: 'الترتيب',
    relevance: 'الأكثر تطابقًا أولًا',
    newest: 'الأحدث أولًا',
    go: 'ابحث',
    syntax: 'كيف تكتب عبارة البحث',
    facets: 'تضييق النتائج',
    mapLabel: 'خريطة النتائج حسب المنطقة الإدارية؛ اختر المنطقة بالأزرار أدناه',
    total: 'الأدلة التي عُثر عليها: {{n}}',
    none: 'لم يُعثر على شيء بين الأدلة التي يمكنك رؤيتها.',
    saved: 'عمليات البحث المحفوظة',
    saveAs: 'احفظ هذا البحث باسم',
    save: 'حفظ',
    facet: {
      kind: 'النوع',
      source: 'المصدر',
      year: 'سنة الجمع',
      admin1: 'المحافظة',
      admin2: 'المنطقة',
    },
    help: {
      both: 'الكلمتان معًا',
      phrase: 'الكلمات متجاورة',
      or: 'إحدى الكلمتين',
      not: 'من دون الكلمة',
      prefix: 'الكلمات التي تبدأ بها',
      kind: 'أدلة من نوع واحد',
      source: 'أدلة من مصدر واحد',
      place: 'أدلة تذكر مكانًا داخل المنطقة (الرمز أو الاسم بأي تهجئة)',
      dates: 'ما جُمع في مدة (سنة أو شهر أو يوم)',
      ern: 'دليل واحد',
      arabic: 'تتطابق الكلمات العربية أيًّا كان شكل الألف أو الهمزة أو التشكيل أو التطويل.',
    },
  },
};
