/** ar-upload.ts — the upload screen's failure sentences in Arabic: the same keys as en-upload.ts. */
import type { enUpload } from './en-upload.js';

type Shape<T> = { readonly [K in keyof T]: T[K] extends string ? string : Shape<T[K]> };

export const arUpload: Shape<typeof enUpload> = {
  upload: {
    retry: 'أعد المحاولة',
    serverSaid: 'قال الخادم:',
    failure: {
      connection:
        'لم يُرسل: بقي الاتصال مقطوعًا رغم كل المحاولات. ما وصل إلى الخادم محفوظ؛ «أعد المحاولة» تكمل من هناك، ويُستأنف الإرسال وحده حين يعود المتصفح إلى الاتصال.',
      tooLarge: 'مرفوض: الملف أكبر مما يقبله هذا الخادم لمادة واحدة.',
      quota:
        'مرفوض مؤقتًا: عمليات الرفع الجارية لديك بلغت أقصى عدد من الملفات أو البايتات المسموح بها في وقت واحد. انتظر انتهاءها أو أزل بعضها، ثم أعد المحاولة.',
      type: 'مرفوض: لا يقبل الخادم هذا النوع من الملفات.',
      provenance: 'مرفوض: بيانات المصدر أعلاه ناقصة أو غير صالحة. صحّحها ثم أعد المحاولة.',
      signedOut: 'لم يُرسل: انتهت جلستك. سجّل الدخول من جديد ثم أعد المحاولة.',
      forbidden: 'مرفوض: لا يحق لك إضافة أدلة إلى هذا الحيّز.',
      server: 'لم يُرسل: تعطّل الخادم. أعد المحاولة بعد قليل؛ وإن فشل مجددًا فأخبر المسؤول.',
      refused: 'رفضه الخادم.',
    },
  },
};
