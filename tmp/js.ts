import { z } from 'zod';
import { strategySchema } from '../src/domain/strategy.js';
const j = z.toJSONSchema(strategySchema, { io: 'input', unrepresentable: 'any' }) as any;
console.log(JSON.stringify(j.properties.training.properties.batch_size), JSON.stringify(j.properties.model.properties.hidden_layers));
console.log(JSON.stringify(j.properties.labels).slice(0,600));
console.log(JSON.stringify(j.properties.indicators).slice(0,500));
