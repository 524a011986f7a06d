// Builders of small on-disk datasets in each published layout, for the loader tests.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';

export const tmp = (prefix: string) => mkdtempSync(path.join(tmpdir(), `pfd-${prefix}-`));

/** A solid-colour image file (JPEG or PNG by extension), w x h. */
export async function writeImage(file: string, rgb: [number, number, number], w = 20, h = 30): Promise<void> {
  mkdirSync(path.dirname(file), { recursive: true });
  const img = sharp({ create: { width: w, height: h, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } });
  await (file.endsWith('.png') ? img.png() : img.jpeg()).toFile(file);
}

/** Polyvore-U layout: tuples_53 with 3 tops, 3 bottoms, users 0..2. */
export async function makePolyvoreU(extraTrainLines: string[] = []): Promise<string> {
  const root = tmp('pvu');
  const dir = path.join(root, 'tuples_53');
  mkdirSync(dir, { recursive: true });
  const tops = ['a1.jpg', 'a2.jpg', 'a3.jpg'], bottoms = ['b1.jpg', 'b2.jpg', 'b3.jpg'];
  writeFileSync(path.join(dir, 'image_list_top'), tops.join('\n') + '\n');
  writeFileSync(path.join(dir, 'image_list_bottom'), bottoms.join('\n') + '\n');
  writeFileSync(path.join(dir, 'image_list_shoe'), 's1.jpg\n');
  for (const [i, n] of tops.entries()) await writeImage(path.join(root, 'images', '291x291', 'top', n), [200, 10 * i, 0]);
  for (const [i, n] of bottoms.entries()) await writeImage(path.join(root, 'images', '291x291', 'bottom', n), [0, 10 * i, 200]);
  const csv = (rows: string[]) => ['user,top,bottom,shoe', ...rows].join('\n') + '\n';
  writeFileSync(path.join(dir, 'tuples_train_posi'), csv(['0,0,0,0', '0,1,1,0', '1,2,2,0', '2,0,2,0', ...extraTrainLines]));
  writeFileSync(path.join(dir, 'tuples_val_posi'), csv(['1,1,0,0']));
  writeFileSync(path.join(dir, 'tuples_test_posi'), csv(['0,2,1,0', '2,1,1,0']));
  writeFileSync(path.join(dir, 'tuples_test_nega'), csv(['0,0,1,0']));
  writeFileSync(path.join(dir, 'tuples_test_nega_hard'), csv(['2,2,0,0']));
  return root;
}

/** Polyvore Outfits layout (nondisjoint) with metadata and images. */
export async function makePolyvoreOutfits(): Promise<string> {
  const root = tmp('pvo');
  const meta: Record<string, { semantic_category: string }> = {
    '11': { semantic_category: 'tops' }, '12': { semantic_category: 'bottoms' }, '13': { semantic_category: 'shoes' },
    '21': { semantic_category: 'tops' }, '22': { semantic_category: 'bottoms' }, '31': { semantic_category: 'jewellery' },
  };
  writeFileSync(path.join(root, 'polyvore_item_metadata.json'), JSON.stringify(meta));
  for (const id of Object.keys(meta)) await writeImage(path.join(root, 'images', `${id}.jpg`), [100, Number(id), 50]);
  mkdirSync(path.join(root, 'nondisjoint'), { recursive: true });
  const outfit = (set: string, ids: string[]) => ({ set_id: set, items: ids.map((item_id, index) => ({ item_id, index: index + 1 })) });
  writeFileSync(path.join(root, 'nondisjoint', 'train.json'), JSON.stringify([outfit('1', ['11', '12', '13']), outfit('2', ['21', '31']), outfit('3', ['21', '22'])]));
  writeFileSync(path.join(root, 'nondisjoint', 'valid.json'), JSON.stringify([outfit('4', ['21', '12'])]));
  writeFileSync(path.join(root, 'nondisjoint', 'test.json'), JSON.stringify([outfit('5', ['11', '22'])]));
  return root;
}

/** A generic manifest with `n` outfits over 2 users, images as PNG. */
export async function makeManifest(lines?: string[]): Promise<string> {
  const root = tmp('man');
  for (const n of ['t0', 't1', 't2']) await writeImage(path.join(root, 'img', `${n}.png`), [220, 30, 30]);
  for (const n of ['b0', 'b1', 'b2']) await writeImage(path.join(root, 'img', `${n}.png`), [30, 30, 220]);
  const rows = lines ?? [
    { user: 'ann', top: 'img/t0.png', bottom: 'img/b0.png', split: 'train' },
    { user: 'ann', top: 'img/t1.png', bottom: 'img/b1.png', split: 'train' },
    { user: 'bob', top: 'img/t2.png', bottom: 'img/b2.png', split: 'train' },
    { user: 'bob', top: 'img/t0.png', bottom: 'img/b2.png', split: 'test' },
  ].map((r) => JSON.stringify(r));
  writeFileSync(path.join(root, 'manifest.jsonl'), rows.join('\n') + '\n');
  return root;
}

const ARTICLES = ['article_id,product_code,prod_name,product_type_no,product_type_name,product_group_name,graphical_appearance_no,graphical_appearance_name,colour_group_code,colour_group_name',
  '0100000001,100000,Tee,255,T-shirt,Garment Upper body,1010016,Solid,9,Black',
  '0100000002,100000,Shirt,259,Shirt,Garment Upper body,1010017,Stripe,10,White',
  '0100000003,100000,"Blouse, loose",258,Blouse,Garment Upper body,1010016,Solid,42,Red',
  '0200000001,200000,Jeans,272,Trousers,Garment Lower body,1010016,Solid,72,Blue',
  '0200000002,200000,Skirt,275,Skirt,Garment Lower body,1010016,Solid,9,Black',
  '0300000001,300000,Dress,265,Dress,Garment Full body,1010016,Solid,9,Black'];

/** A folder in the H&M layout: 3 tops, 2 bottoms, a dress; customer A buys often, B twice, C tops and bottoms 20 days apart. */
export async function makeHmFolder(extraTransactions: string[] = [], photos = true): Promise<string> {
  const root = tmp('hm');
  writeFileSync(path.join(root, 'articles.csv'), ARTICLES.join('\n') + '\n');
  const tx = ['t_dat,customer_id,article_id,price,sales_channel_id',
    '2020-01-01,aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa,0100000001,0.02,2', '2020-01-01,aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa,0200000001,0.03,2',
    '2020-01-03,aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa,0100000002,0.02,2', '2020-01-05,aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa,0200000002,0.03,2',
    '2020-01-05,aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa,0100000003,0.02,2', '2020-01-05,aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa,0300000001,0.05,2',
    '2020-01-01,bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb,0100000001,0.02,1', '2020-01-01,bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb,0200000002,0.02,1',
    '2020-01-01,cccccccccccccccccccccccccccccccc,0100000001,0.02,1', '2020-01-21,cccccccccccccccccccccccccccccccc,0200000001,0.02,1',
    '2020-01-02,dddddddddddddddddddddddddddddddd,0999999999,0.02,1', // an article not in articles.csv (a subset's transactions): ignored
    ...extraTransactions];
  writeFileSync(path.join(root, 'transactions.csv'), tx.join('\n') + '\n');
  if (photos) {
    for (const [id, rgb] of [['0100000001', [20, 20, 20]], ['0100000002', [240, 240, 240]], ['0100000003', [200, 0, 0]], ['0200000001', [0, 0, 160]], ['0200000002', [10, 10, 10]], ['0300000001', [0, 0, 0]]] as const) {
      const file = path.join(root, 'images', id.slice(0, 3), `${id}.jpg`);
      mkdirSync(path.dirname(file), { recursive: true });
      // A garment (a block of its colour) on a light grey background, portrait 40 x 60.
      await sharp({ create: { width: 40, height: 60, channels: 3, background: { r: 230, g: 230, b: 230 } } })
        .composite([{ input: { create: { width: 20, height: 40, channels: 3, background: { r: rgb[0], g: rgb[1], b: rgb[2] } } }, left: 10, top: 10 }]).jpeg({ quality: 95 }).toFile(file);
    }
  }
  return root;
}

