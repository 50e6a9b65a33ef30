import type { Charset } from './charsets';

/** Word material for generated mail, per language, with the charsets that language is sent in. */
export interface Language {
  code: 'en' | 'fr' | 'de' | 'ja' | 'zh' | 'vi';
  /** Charsets this language is written in, by relative weight. */
  charsets: ReadonlyArray<readonly [Charset, number]>;
  subjects: readonly string[];
  greetings: readonly string[];
  sentences: readonly string[];
  closings: readonly string[];
  replyPrefix: string;
  forwardPrefix: string;
  wrote: (name: string, date: string) => string;
}

export interface Person {
  name: string;
  address: string;
  lang: Language['code'];
}

export const LANGUAGES: readonly Language[] = [
  {
    code: 'en',
    charsets: [['utf-8', 1]],
    subjects: [
      'Quarterly planning review',
      'Invoice #4821 for March',
      'Lunch on Thursday?',
      'Draft contract for the Henderson account',
      'Your order has shipped',
      'Team offsite — agenda & logistics',
      'Re-scheduling our 1:1',
      'Budget approval needed by Friday',
      'Notes from the customer call',
      'Welcome aboard! 🎉',
      'Server maintenance window this weekend',
      'Feedback on the new onboarding flow',
      'Travel itinerary: Berlin → Lisbon',
      'Can you review the pull request?',
      'Updated pricing sheet attached',
    ],
    greetings: ['Hi {name},', 'Hello {name},', 'Hey {name},', 'Dear {name},', 'Morning {name},'],
    sentences: [
      'Thanks for getting back to me so quickly.',
      'I have attached the latest version for your review.',
      'Could we move the meeting to Thursday afternoon instead?',
      'The numbers look good, but the forecast for Q3 still worries me.',
      'Let me know if anything is unclear or if you need more detail.',
      "I'll circle back once I hear from the finance team.",
      'We shipped the fix yesterday and the error rate dropped to zero.',
      'Please make sure the slides are ready before the board meeting.',
      'The customer asked whether we can support single sign-on by June.',
      'I booked a table for six at the Italian place around the corner.',
      'Our flight lands at 10:40, so we should be at the office by noon.',
      'Attached you will find the signed copy of the agreement.',
      'The warehouse confirmed that the shipment left on Monday.',
      'Could you double-check the totals in the second tab?',
      'Happy to jump on a call if that is easier.',
    ],
    closings: ['Best,', 'Thanks,', 'Cheers,', 'Kind regards,', 'All the best,'],
    replyPrefix: 'Re: ',
    forwardPrefix: 'Fwd: ',
    wrote: (name, date) => `On ${date}, ${name} wrote:`,
  },
  {
    code: 'fr',
    charsets: [
      ['iso-8859-1', 2],
      ['utf-8', 1],
    ],
    subjects: [
      'Réunion de lundi : ordre du jour',
      'Facture n° 2024-118 - échéance',
      "Compte rendu de la réunion d'équipe",
      'Déjeuner à la brasserie ?',
      'Proposition commerciale révisée',
      "Congés d'été : planning",
      "Accès à l'espace client",
    ],
    greetings: ['Bonjour {name},', 'Cher {name},', 'Salut {name},'],
    sentences: [
      'Merci pour votre retour rapide.',
      'Vous trouverez ci-joint la dernière version du document.',
      'Pouvons-nous décaler la réunion à jeudi après-midi ?',
      'Le budget prévisionnel a été validé par la direction générale.',
      "N'hésitez pas à me contacter si vous avez la moindre question.",
      'Les délais de livraison sont un peu plus longs que prévu.',
      "J'ai réservé une salle au deuxième étage pour la présentation.",
      'Le client a été très satisfait de la démonstration.',
      'Nous devons encore préciser les modalités de paiement.',
    ],
    closings: ['Cordialement,', 'Bien à vous,', 'Bonne journée,', 'À bientôt,'],
    replyPrefix: 'RE: ',
    forwardPrefix: 'TR: ',
    wrote: (name, date) => `Le ${date}, ${name} a écrit :`,
  },
  {
    code: 'de',
    charsets: [
      ['windows-1252', 2],
      ['utf-8', 1],
    ],
    subjects: [
      'Angebot für das Projekt „Nordlicht“',
      'Rückfrage zur Rechnung – 1.250 €',
      'Besprechung am Dienstag verschoben',
      'Übergabe der Unterlagen',
      'Grüße aus München',
      'Änderungen am Vertrag',
      'Straßenfest am Wochenende',
    ],
    greetings: ['Hallo {name},', 'Liebe Grüße vorab, {name},', 'Sehr geehrte/r {name},', 'Guten Morgen {name},'],
    sentences: [
      'Vielen Dank für Ihre schnelle Rückmeldung.',
      'Anbei finden Sie die überarbeitete Fassung des Angebots.',
      'Können wir den Termin auf Donnerstag verschieben?',
      'Die Kosten belaufen sich auf etwa 3.400 € zzgl. MwSt.',
      'Bitte prüfen Sie die Änderungen bis Ende der Woche.',
      'Die Lieferung ist für nächsten Montag geplant.',
      'Wir freuen uns auf die weitere Zusammenarbeit.',
      "Das Meeting findet im großen Besprechungsraum statt – bitte pünktlich sein.",
      'Für Rückfragen stehe ich Ihnen gern zur Verfügung.',
    ],
    closings: ['Viele Grüße,', 'Mit freundlichen Grüßen,', 'Beste Grüße,'],
    replyPrefix: 'AW: ',
    forwardPrefix: 'WG: ',
    wrote: (name, date) => `Am ${date} schrieb ${name}:`,
  },
  {
    code: 'ja',
    charsets: [
      ['iso-2022-jp', 2],
      ['utf-8', 1],
    ],
    subjects: ['会議の議事録について', '見積書の送付', '来週の打ち合わせ日程', '出張のご報告', '新製品の発表会のご案内'],
    greetings: ['{name}様', 'お疲れ様です。', '{name}さん'],
    sentences: [
      'いつもお世話になっております。',
      '先日の会議の議事録を添付いたします。',
      'ご確認のほど、よろしくお願いいたします。',
      '来週の火曜日の午後はご都合いかがでしょうか。',
      '見積書を送付いたしますので、ご検討ください。',
      '資料の修正版を共有いたします。',
      '何かご不明な点がございましたら、お知らせください。',
    ],
    closings: ['よろしくお願いいたします。', '以上、よろしくお願いします。'],
    replyPrefix: 'Re: ',
    forwardPrefix: 'Fw: ',
    wrote: (name, date) => `${date} ${name} さんは書きました:`,
  },
  {
    code: 'zh',
    charsets: [
      ['gb2312', 2],
      ['utf-8', 1],
    ],
    subjects: ['关于项目进度的更新', '会议纪要', '下周的出差安排', '报价单请查收', '年度预算审批'],
    greetings: ['{name}，你好：', '各位同事：', '{name}：'],
    sentences: [
      '感谢您的及时回复。',
      '附件是最新版本的文件，请查收。',
      '我们可以把会议改到星期四下午吗？',
      '预算已经通过了管理层的审批。',
      '如果有任何问题，请随时与我联系。',
      '客户对演示非常满意。',
      '交货时间比预期稍长一些。',
    ],
    closings: ['谢谢！', '此致敬礼', '祝好，'],
    replyPrefix: '回复：',
    forwardPrefix: '转发：',
    wrote: (name, date) => `${name} 于 ${date} 写道：`,
  },
  {
    code: 'vi',
    charsets: [['utf-8', 1]],
    subjects: ['Cập nhật tiến độ dự án', 'Lịch họp tuần tới', 'Báo giá sản phẩm mới', 'Thông báo nghỉ lễ'],
    greetings: ['Chào {name},', 'Kính gửi {name},', 'Anh/chị {name} thân mến,'],
    sentences: [
      'Cảm ơn anh/chị đã phản hồi nhanh chóng.',
      'Tôi gửi kèm phiên bản mới nhất của tài liệu.',
      'Chúng ta có thể dời cuộc họp sang chiều thứ Năm được không?',
      'Ngân sách đã được ban giám đốc phê duyệt.',
      'Nếu có câu hỏi gì, xin vui lòng liên hệ với tôi.',
      'Khách hàng rất hài lòng với buổi giới thiệu sản phẩm.',
    ],
    closings: ['Trân trọng,', 'Thân ái,', 'Cảm ơn,'],
    replyPrefix: 'Re: ',
    forwardPrefix: 'Fwd: ',
    wrote: (name, date) => `Vào ${date}, ${name} đã viết:`,
  },
];

export const CONTACTS: readonly Person[] = [
  { name: 'Jordan Lee', address: 'jordan.lee@acme.test', lang: 'en' },
  { name: 'Priya Natarajan', address: 'priya@globex.test', lang: 'en' },
  { name: "Liam O'Connor", address: 'liam.oconnor@initech.test', lang: 'en' },
  { name: 'Maria Rossi', address: 'maria.rossi@acme.test', lang: 'en' },
  { name: 'Chen Wei', address: 'chen.wei@globex.test', lang: 'en' },
  { name: 'Sarah Johnson', address: 'sarah@umbrella.test', lang: 'en' },
  { name: 'Tom Becker', address: 'tom.becker@initech.test', lang: 'en' },
  { name: 'Aisha Bello', address: 'aisha.bello@hooli.test', lang: 'en' },
  { name: 'José García', address: 'jose.garcia@acme.test', lang: 'en' },
  { name: 'François Dupont', address: 'f.dupont@societe.test', lang: 'fr' },
  { name: 'Élodie Lefèvre', address: 'elodie.lefevre@societe.test', lang: 'fr' },
  { name: 'Amélie Martin', address: 'amelie@boulangerie.test', lang: 'fr' },
  { name: 'Jürgen Müller', address: 'j.mueller@firma.test', lang: 'de' },
  { name: 'Zoë Schäfer', address: 'zoe.schaefer@firma.test', lang: 'de' },
  { name: 'Björn Weiß', address: 'bjoern@werkstatt.test', lang: 'de' },
  { name: '田中 太郎', address: 'tanaka@kaisha.test', lang: 'ja' },
  { name: '佐藤 花子', address: 'sato.hanako@kaisha.test', lang: 'ja' },
  { name: '李雷', address: 'li.lei@gongsi.test', lang: 'zh' },
  { name: '王芳', address: 'wang.fang@gongsi.test', lang: 'zh' },
  { name: 'Nguyễn Văn An', address: 'an.nguyen@congty.test', lang: 'vi' },
  { name: 'Trần Thị Bích', address: 'bich.tran@congty.test', lang: 'vi' },
];

/** Bulk senders: single messages, remote images, unsubscribe links. */
export const NEWSLETTERS: ReadonlyArray<{ name: string; address: string; subjects: readonly string[] }> = [
  {
    name: 'The Weekly Digest',
    address: 'digest@news.example.test',
    subjects: ['This week: 10 stories you missed', 'Your Monday briefing', 'Top picks for you ✨'],
  },
  {
    name: 'ShopMart Deals',
    address: 'deals@shopmart.test',
    subjects: ['48-hour flash sale: up to 70% off', 'Your cart misses you', 'Exclusive offer inside 🛍️'],
  },
  {
    name: 'CloudHost Status',
    address: 'status@cloudhost.test',
    subjects: ['Scheduled maintenance notice', 'Incident resolved: elevated API latency', 'Your monthly usage report'],
  },
];

export const CUSTOM_LABELS = ['Work', 'Family', 'Receipts', 'Travel', 'Projects/Alpha'] as const;
